using Parity.Harness.Comparison;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>One coordinate or direction where finite differences and the backend's gradient disagree.</summary>
public sealed record GradcheckFailure(string Where, double Numerical, double Analytical);

/// <summary>
/// The finite-difference check of one backend. <see cref="Nondeterminism"/> is the largest difference
/// between two backwards on the same input (0 when they are bitwise equal, which passing requires, as
/// PyTorch's gradcheck does with its default nondet_tol = 0); <see cref="FullMode"/> is the coordinate
/// re-check after a fast-mode failure.
/// </summary>
public sealed record GradcheckResult(string Backend, bool Passed, string Mode, int Checked, int Kinks, double MaxRelErr, IReadOnlyList<GradcheckFailure> Failures,
    double Nondeterminism = 0, FullModeRecheck? FullMode = null);

/// <summary>
/// PyTorch gradcheck's method on a backend, in float64: the analytical gradient (one backward, taken
/// twice to see that it is deterministic), the numerical one (central differences of the loss), and
/// their comparison |a − n| ≤ atol + rtol·|n| as three separate steps. Small models are checked at
/// every coordinate of every parameter and of the input; large ones in fast mode: random directions u,
/// comparing (L(θ+eps·u) − L(θ−eps·u)) / 2eps with u·∇L as PyTorch's fast_mode does, plus a seeded
/// sample of coordinates per tensor; a fast-mode failure is re-checked coordinate by coordinate.
/// </summary>
public static class FiniteDifferenceCheck
{
    public const int FullModeLimit = 4096, Directions = 8, SamplesPerTensor = 16, RecheckSamples = 256;
    const int FailuresKept = 5;

    public static GradcheckResult Run(ParitySpec spec, IBackend backend, Batch batch)
    {
        var tolerance = Tolerances.Gradcheck(spec);
        var analytical = Analytical(backend, batch);
        var nondeterminism = MaxDifference(analytical, Analytical(backend, batch));
        var (mode, directions) = ChooseDirections(spec, analytical);
        var probe = new LossProbe(spec, backend, batch, tolerance.Eps);

        var judged = Judge(directions, probe, analytical, tolerance);
        var fullMode = mode == "fast" && judged.Failed > 0 ? Recheck(spec, judged.Failing, probe, analytical, tolerance) : null;
        return new GradcheckResult(backend.Name, judged.Failed == 0 && nondeterminism == 0, mode, directions.Count - judged.Kinks, judged.Kinks, judged.MaxRel, judged.Failures,
            nondeterminism, fullMode);
    }

    /// <summary>The directions judged: failures counted (the first few kept with their figures), kinks skipped, the largest relative error, and every failing direction.</summary>
    sealed record Judgement(int Kinks, double MaxRel, IReadOnlyList<GradcheckFailure> Failures, IReadOnlyList<Direction> Failing)
    {
        public int Failed => Failing.Count;
    }

    static Judgement Judge(IReadOnlyList<Direction> directions, LossProbe probe, Dictionary<string, HostTensor> analytical, GradcheckTolerance tolerance)
    {
        var (kinks, maxRel) = (0, 0.0);
        var failures = new List<GradcheckFailure>();
        var failing = new List<Direction>();
        foreach (var direction in directions)
        {
            var (numerical, kink) = probe.Derivative(direction);
            if (kink)
            {
                kinks++;
                continue;
            }
            var predicted = direction.Dot(analytical);
            var error = Math.Abs(predicted - numerical);
            var scale = Math.Max(Math.Abs(predicted), Math.Abs(numerical));
            if (scale > tolerance.Atol)
                maxRel = Math.Max(maxRel, error / scale);
            if (error <= tolerance.Atol + tolerance.Rtol * Math.Abs(numerical) && double.IsFinite(predicted))
                continue;
            failing.Add(direction);
            if (failures.Count < FailuresKept)
                failures.Add(new GradcheckFailure(direction.Label, numerical, predicted));
        }
        return new Judgement(kinks, maxRel, failures, failing);
    }

    /// <summary>
    /// Every coordinate of the tensors a fast-mode failure involves — a failing coordinate's tensor, or
    /// all tensors when a random direction failed — or a seeded sample of a tensor too large for that.
    /// </summary>
    static FullModeRecheck Recheck(ParitySpec spec, IReadOnlyList<Direction> failing, LossProbe probe, Dictionary<string, HostTensor> analytical, GradcheckTolerance tolerance)
    {
        var tensors = failing.Any(d => d.Components.Count > 1)
            ? analytical.Keys.ToList()
            : failing.SelectMany(d => d.Components.Keys).Distinct().ToList();
        var random = SeededRandom.For(spec.Seed, "gradcheck full mode");
        var exhaustive = tensors.Sum(name => analytical[name].Count) <= FullModeLimit;
        var coordinates = tensors.SelectMany(name => (exhaustive ? Enumerable.Range(0, analytical[name].Count) : random.Permutation(analytical[name].Count).Take(RecheckSamples))
            .Select(i => Direction.Coordinate(analytical[name], i))).ToList();
        var judged = Judge(coordinates, probe, analytical, tolerance);
        return new FullModeRecheck(tensors, exhaustive, coordinates.Count - judged.Kinks, judged.Failed);
    }

    static double MaxDifference(Dictionary<string, HostTensor> first, Dictionary<string, HostTensor> second) =>
        first.Max(pair => pair.Value.Data.Zip(second[pair.Key].Data, (a, b) => a.Equals(b) ? 0 : double.IsFinite(a - b) ? Math.Abs(a - b) : double.PositiveInfinity).DefaultIfEmpty(0).Max());

    static Dictionary<string, HostTensor> Analytical(IBackend backend, Batch batch)
    {
        var gradients = backend.ComputeGradients(batch);
        return gradients.Parameters.Append(gradients.Input).ToDictionary(g => g.Name);
    }

    static (string Mode, IReadOnlyList<Direction> Directions) ChooseDirections(ParitySpec spec, Dictionary<string, HostTensor> tensors)
    {
        var total = tensors.Values.Sum(t => t.Count);
        if (total <= FullModeLimit)
            return ("full", tensors.Values.SelectMany(t => Enumerable.Range(0, t.Count).Select(i => Direction.Coordinate(t, i))).ToList());

        var random = SeededRandom.For(spec.Seed, "gradcheck");
        var directions = new List<Direction>();
        for (var d = 0; d < Directions; d++)
            directions.Add(RandomDirection($"random direction {d + 1}", tensors, random));
        foreach (var tensor in tensors.Values)
            foreach (var index in random.Permutation(tensor.Count).Take(SamplesPerTensor))
                directions.Add(Direction.Coordinate(tensor, index));
        return ("fast", directions);
    }

    /// <summary>A unit vector drawn uniformly over the sphere of all parameters and the input.</summary>
    static Direction RandomDirection(string label, Dictionary<string, HostTensor> tensors, SeededRandom random)
    {
        var components = tensors.ToDictionary(t => t.Key, t => t.Value.Data.Select(_ => random.Normal()).ToArray());
        var norm = Math.Sqrt(components.Values.Sum(c => c.Sum(v => v * v)));
        foreach (var component in components.Values)
            for (var i = 0; i < component.Length; i++)
                component[i] /= norm;
        return new Direction(label, components);
    }
}
