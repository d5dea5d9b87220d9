using Parity.Harness.Comparison;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>One coordinate or direction where finite differences and the backend's gradient disagree.</summary>
public sealed record GradcheckFailure(string Where, double Numerical, double Analytical);

public sealed record GradcheckResult(string Backend, bool Passed, string Mode, int Checked, int Kinks, double MaxRelErr, IReadOnlyList<GradcheckFailure> Failures);

/// <summary>
/// PyTorch gradcheck's method on a backend, in float64: the analytical gradient (one backward), the
/// numerical one (central differences of the loss), and their comparison |a − n| ≤ atol + rtol·|n|
/// as three separate steps. Small models are checked at every coordinate of every parameter and of
/// the input; large ones in fast mode: random directions u, comparing (L(θ+eps·u) − L(θ−eps·u)) / 2eps
/// with u·∇L as PyTorch's fast_mode does, plus a seeded sample of coordinates per tensor.
/// </summary>
public static class FiniteDifferenceCheck
{
    public const int FullModeLimit = 4096, Directions = 8, SamplesPerTensor = 16;
    const int FailuresKept = 5;

    public static GradcheckResult Run(ParitySpec spec, IBackend backend, Batch batch)
    {
        var tolerance = Tolerances.Gradcheck(spec);
        var analytical = Analytical(backend, batch);
        var (mode, directions) = ChooseDirections(spec, analytical);
        var probe = new LossProbe(spec, backend, batch, tolerance.Eps);

        var failures = new List<GradcheckFailure>();
        int kinks = 0, failed = 0;
        var maxRel = 0.0;
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
            failed++;
            if (failures.Count < FailuresKept)
                failures.Add(new GradcheckFailure(direction.Label, numerical, predicted));
        }
        return new GradcheckResult(backend.Name, failed == 0, mode, directions.Count - kinks, kinks, maxRel, failures);
    }

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
