using Parity.Harness.Comparison;
using Parity.Harness.Concurrency;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// One coordinate or direction where finite differences and the backend's gradient disagree. <see cref="Resolution"/> is the
/// smallest derivative the central difference resolves there: one rounding unit of the loss at each of the two points, over
/// 2·eps (a summed loss of 10⁶ resolves nothing below ~1e-3 at eps 1e-6).
/// </summary>
public sealed record GradcheckFailure(string Where, double Numerical, double Analytical, double Resolution = 0);

/// <summary>
/// The finite-difference check of one backend. <see cref="Nondeterminism"/> is the largest difference
/// between two backwards on the same input (0 when they are bitwise equal, which passing requires, as
/// PyTorch's gradcheck does with its default nondet_tol = 0); <see cref="FullMode"/> is the coordinate
/// re-check after a fast-mode failure; <see cref="Linearity"/> whether each layer's backward is linear
/// in its upstream gradient.
/// </summary>
public sealed record GradcheckResult(string Backend, bool Passed, string Mode, int Checked, int Kinks, double MaxRelErr, IReadOnlyList<GradcheckFailure> Failures,
    double Nondeterminism = 0, FullModeRecheck? FullMode = null, BackwardLinearity? Linearity = null);

/// <summary>
/// A gradient of layer <see cref="Layer"/> that is not linear in the upstream gradient: with the upstream
/// gradient doubled (<see cref="Zero"/> false) it is off twice the first by up to <see cref="Size"/>,
/// or with a zero upstream gradient (<see cref="Zero"/>) it is not zero but up to <see cref="Size"/>. <see cref="Path"/> is the
/// layer's place in the module tree ("3.1"; the index outside residual blocks).
/// <see cref="Tensor"/> is the parameter's name, or "input" for dL/d(input).
/// </summary>
public sealed record LinearityFailure(int Layer, string Path, string Tensor, bool Zero, double Size);

/// <summary>The backward linearity check of one backend: its failures, or why it was not available (a backend without <see cref="ILayerProbe"/>).</summary>
public sealed record BackwardLinearity(IReadOnlyList<LinearityFailure> Failures, string? Unavailable = null)
{
    public bool Passed => Failures.Count == 0;
}

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
    public const int FullModeLimit = 4096, Directions = 8, SamplesPerTensor = 16, MinSamplesPerTensor = 4, CoordinateBudget = 256, RecheckSamples = 256;
    const int FailuresKept = 5;

    /// <summary>
    /// The check of each of <paramref name="backends"/>, in order. Its bulk, the numerical derivatives (two forwards
    /// each), two backends <paramref name="together"/> take at once, direction by direction; the rest each in turn.
    /// </summary>
    public static GradcheckResult[] Run(ParitySpec spec, IReadOnlyList<IBackend> backends, Batch batch, AtOnceCalls? together = null)
    {
        var tolerance = Tolerances.Gradcheck(spec);
        var sides = backends.Select(backend => Side.Of(spec, backend, batch, tolerance)).ToArray();
        var derivatives = Derivatives(sides, batch.Rows, together);
        return [.. sides.Select((side, i) => side.Finish(spec, batch, derivatives[i], tolerance))];
    }

    /// <summary>One backend's check up to its numerical derivatives: its gradient, taken twice, and the directions to probe.</summary>
    sealed record Side(IBackend Backend, Gradients Gradients, Dictionary<string, HostTensor> Analytical, double Nondeterminism, string Mode, IReadOnlyList<Direction> Directions, LossProbe Probe)
    {
        public static Side Of(ParitySpec spec, IBackend backend, Batch batch, GradcheckTolerance tolerance)
        {
            var gradients = backend.ComputeGradients(batch);
            var analytical = FiniteDifferenceCheck.Analytical(spec, gradients);
            var nondeterminism = MaxDifference(analytical, FiniteDifferenceCheck.Analytical(spec, backend.ComputeGradients(batch)));
            var (mode, directions) = ChooseDirections(spec, analytical);
            return new Side(backend, gradients, analytical, nondeterminism, mode, directions, new LossProbe(spec, backend, batch, tolerance.Eps));
        }

        public GradcheckResult Finish(ParitySpec spec, Batch batch, IReadOnlyList<(double Derivative, double Resolution)> derivatives, GradcheckTolerance tolerance)
        {
            var judged = Judge(Directions, derivatives, Probe, Analytical, tolerance);
            var fullMode = Mode == "fast" && judged.Failed > 0 ? Recheck(spec, judged.Failing, Probe, Analytical, tolerance) : null;
            // Last: a layer run alone moves batch norm's buffers, which nothing above may see.
            var linearity = Linearity(spec, Backend, batch, Gradients, tolerance);
            return new GradcheckResult(Backend.Name, judged.Failed == 0 && Nondeterminism == 0 && linearity.Passed, Mode, Directions.Count - judged.Kinks, judged.Kinks, judged.MaxRel, judged.Failures,
                Nondeterminism, fullMode, linearity);
        }
    }

    /// <summary>Each side's numerical derivative along each of its directions; two sides with as many directions at once when <paramref name="together"/> is given.</summary>
    static (double Derivative, double Resolution)[][] Derivatives(Side[] sides, int rows, AtOnceCalls? together)
    {
        if (together is null || sides.Length != 2 || sides[0].Directions.Count != sides[1].Directions.Count)
            return [.. sides.Select(side => side.Directions.Select(side.Probe.Derivative).ToArray())];
        var both = sides.Select(side => new (double, double)[side.Directions.Count]).ToArray();
        for (var k = 0; k < both[0].Length; k++)
        {
            var direction = k;
            var pair = together.Call(sides[0].Backend, sides[1].Backend, "finite difference", rows, backend =>
            {
                var side = backend == sides[0].Backend ? sides[0] : sides[1];
                return side.Probe.Derivative(side.Directions[direction]);
            });
            (both[0][k], both[1][k]) = (pair[0], pair[1]);
        }
        return both;
    }

    /// <summary>
    /// Backward is a vector-Jacobian product, linear in the upstream gradient g: each layer, run alone on
    /// its input in the backend's own run, must give for 2g exactly twice its gradients for g (doubling is
    /// exact in binary floating point; the gradcheck tolerance allows for a backend that rounds otherwise),
    /// and for a zero g zero gradients. A term a backward adds whatever g is — a regulariser, a constant —
    /// fails it, as does one that scales g by anything but a factor.
    /// </summary>
    static BackwardLinearity Linearity(ParitySpec spec, IBackend backend, Batch batch, Gradients gradients, GradcheckTolerance tolerance)
    {
        if (backend is not ILayerProbe probe)
            return new BackwardLinearity([], $"{backend.Name} does not implement ILayerProbe (contract 2.1.0)");
        var failures = new List<LinearityFailure>();
        try
        {
            var outputs = backend.Forward(batch);
            for (var layer = 0; layer < outputs.Count; layer++)
            {
                var input = LayerShapes.Feeding(spec, layer) is var feeding and >= 0 ? outputs[feeding] : new HostTensor("input", gradients.Input.Shape, batch.X);
                var g = gradients.LayerOutputs[layer];
                var once = Tensors(probe.RunLayer(layer, batch, input, g));
                var twice = Tensors(probe.RunLayer(layer, batch, input, new HostTensor(g.Name, g.Shape, [.. g.Data.Select(v => 2 * v)])));
                var none = Tensors(probe.RunLayer(layer, batch, input, new HostTensor(g.Name, g.Shape, new double[g.Count])));
                foreach (var (name, first) in once)
                {
                    if (Deviation(twice[name], first, 2, tolerance) is { } doubled)
                        failures.Add(new LinearityFailure(layer, spec.Model[layer].Path, name, Zero: false, doubled));
                    if (Deviation(none[name], first, 0, tolerance) is { } zero)
                        failures.Add(new LinearityFailure(layer, spec.Model[layer].Path, name, Zero: true, zero));
                }
            }
        }
        catch (NotSupportedException declined)
        {
            return new BackwardLinearity([], declined.Message);
        }
        return new BackwardLinearity(failures);
    }

    /// <summary>The gradients of one layer run: dL/d(input) as "input", then its parameters' by name.</summary>
    static Dictionary<string, HostTensor> Tensors(LayerRun run) => run.Parameters.Prepend(run.Input).ToDictionary(t => t.Name);

    /// <summary>The largest |a − scale·b| when some element is outside atol + rtol·|scale·b|; null when none is.</summary>
    static double? Deviation(HostTensor value, HostTensor reference, double scale, GradcheckTolerance tolerance)
    {
        var outside = value.Data.Zip(reference.Data).Any(pair => !(Math.Abs(pair.First - scale * pair.Second) <= tolerance.Atol + tolerance.Rtol * Math.Abs(scale * pair.Second)));
        return outside ? MaxDifference(value, reference, scale) : null;
    }

    /// <summary>The directions judged: failures counted (the first few kept with their figures), kinks skipped, the largest relative error, and every failing direction.</summary>
    sealed record Judgement(int Kinks, double MaxRel, IReadOnlyList<GradcheckFailure> Failures, IReadOnlyList<Direction> Failing)
    {
        public int Failed => Failing.Count;
    }

    static Judgement Judge(IReadOnlyList<Direction> directions, IReadOnlyList<(double Derivative, double Resolution)> derivatives, LossProbe probe,
        Dictionary<string, HostTensor> analytical, GradcheckTolerance tolerance)
    {
        var (kinks, maxRel) = (0, 0.0);
        var failures = new List<GradcheckFailure>();
        var failing = new List<Direction>();
        foreach (var (direction, (numerical, resolution)) in directions.Zip(derivatives))
        {
            var predicted = direction.Dot(analytical);
            var error = Math.Abs(predicted - numerical);
            var agrees = error <= tolerance.Atol + tolerance.Rtol * Math.Abs(numerical) && double.IsFinite(predicted);
            var scale = Math.Max(Math.Abs(predicted), Math.Abs(numerical));
            var relative = scale > tolerance.Atol ? error / scale : 0;
            // A difference across a kink measures no derivative: set aside when it disagrees, or agrees only by the
            // absolute tolerance (it would stand as the largest relative error); one that agrees closely is checked.
            if ((!agrees || relative > tolerance.Rtol) && probe.Straddles(direction))
            {
                kinks++;
                continue;
            }
            maxRel = Math.Max(maxRel, relative);
            if (agrees)
                continue;
            failing.Add(direction);
            if (failures.Count < FailuresKept)
                failures.Add(new GradcheckFailure(direction.Label, numerical, predicted, resolution));
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
        var judged = Judge(coordinates, [.. coordinates.Select(probe.Derivative)], probe, analytical, tolerance);
        return new FullModeRecheck(tensors, exhaustive, coordinates.Count - judged.Kinks, judged.Failed);
    }

    static double MaxDifference(Dictionary<string, HostTensor> first, Dictionary<string, HostTensor> second) =>
        first.Max(pair => MaxDifference(pair.Value, second[pair.Key], 1));

    /// <summary>The largest |a − scale·b| (∞ where it is not finite, 0 where a equals scale·b, NaN or not): the nondeterminism of two backwards (scale 1) and the linearity of one (2, or 0 against nothing).</summary>
    static double MaxDifference(HostTensor first, HostTensor second, double scale) =>
        first.Data.Zip(second.Data, (a, b) => a.Equals(scale * b) ? 0 : double.IsFinite(a - scale * b) ? Math.Abs(a - scale * b) : double.PositiveInfinity).DefaultIfEmpty(0).Max();

    /// <summary>The gradients finite differences judge: every parameter's, and the input's unless it is token ids, which do not vary.</summary>
    static Dictionary<string, HostTensor> Analytical(ParitySpec spec, Gradients gradients) =>
        (spec.Shape.IsSequence ? gradients.Parameters : gradients.Parameters.Append(gradients.Input)).ToDictionary(g => g.Name);

    static (string Mode, IReadOnlyList<Direction> Directions) ChooseDirections(ParitySpec spec, Dictionary<string, HostTensor> tensors)
    {
        var total = tensors.Values.Sum(t => t.Count);
        if (total <= FullModeLimit)
            return ("full", tensors.Values.SelectMany(t => Enumerable.Range(0, t.Count).Select(i => Direction.Coordinate(t, i))).ToList());

        var random = SeededRandom.For(spec.Seed, "gradcheck");
        var directions = new List<Direction>();
        for (var d = 0; d < Directions; d++)
            directions.Add(RandomDirection($"random direction {d + 1}", tensors, random));
        var samples = SamplesPerTensorOf(tensors.Count);
        foreach (var tensor in tensors.Values)
            foreach (var index in random.Permutation(tensor.Count).Take(samples))
                directions.Add(Direction.Coordinate(tensor, index));
        return ("fast", directions);
    }

    /// <summary>
    /// Fast mode's seeded coordinates per tensor: <see cref="SamplesPerTensor"/>, fewer when the tensors are many, so that
    /// they share <see cref="CoordinateBudget"/> — each costs two forwards, and a transformer's 41 tensors at 16 each were
    /// most of its check — but never fewer than <see cref="MinSamplesPerTensor"/>. The random directions move every
    /// coordinate of every tensor whatever the count.
    /// </summary>
    public static int SamplesPerTensorOf(int tensors) => Math.Clamp(CoordinateBudget / Math.Max(1, tensors), MinSamplesPerTensor, SamplesPerTensor);

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
