using Parity.Harness.Checks;
using Parity.Harness.Comparison;
using Parity.Harness.Diagnosis;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>The two engines after one lockstep step: their losses and how far their parameters lie apart.</summary>
public sealed record StepDrift(int Step, int Epoch, double EngineLoss, double TwinLoss, double LossDiff, double Drift, double RelativeDrift, string Parameter, int Index);

/// <summary>A step at which the engines part, and where: the parameter (and its layer) of the largest drift.</summary>
public sealed record Divergence(int Step, int Epoch, string Parameter, string Layer, double RelativeDrift, double LossDiff, double Bound, string Reason);

/// <summary>
/// A lockstep run. <see cref="FirstDivergence"/> is a jump or a NaN/Inf: the engines computed
/// something different, or the training blew up (<see cref="NonFinite"/>, in one engine or both).
/// <see cref="FirstBeyondRounding"/> is the first step past the rounding bound at all; without a
/// jump, that is rounding amplified by sensitive dynamics, not a difference in what the engines compute.
/// </summary>
public sealed record LockstepResult(
    IReadOnlyList<EpochMetrics> Engine,
    IReadOnlyList<EpochMetrics> Twin,
    IReadOnlyList<StepDrift> Steps,
    Divergence? FirstBeyondRounding,
    Divergence? FirstDivergence,
    NonFinite? NonFinite = null)
{
    public double MaxLossDiff => Steps.Select(s => s.LossDiff).DefaultIfEmpty(0).Max();

    public double MaxParamDrift => Steps.Select(s => s.Drift).DefaultIfEmpty(0).Max();

    /// <summary>No jump and no NaN/Inf — not even the same NaN in both engines: whatever drift there is, rounding explains it.</summary>
    public bool Identical => FirstDivergence is null;

    /// <summary>Within the rounding bound at every step.</summary>
    public bool WithinRounding => FirstBeyondRounding is null;
}

/// <summary>
/// Trains the engine and the twin in lockstep — same initial parameters, same batches in the same
/// order — and after every step compares their losses and their parameters (all but those training does not
/// determine, <see cref="UndeterminedTensors"/>) against the bound rounding alone can explain (<see cref="RoundingBound"/>).
/// The two take each step <paramref name="atOnce"/> or in turn (<see cref="Trainer"/>).
/// </summary>
public sealed class LockstepTrainer(ParitySpec spec, Dataset data, bool atOnce = false)
{
    readonly Trainer _trainer = new(spec, data, atOnce);
    readonly IReadOnlyDictionary<string, Range> _undetermined = UndeterminedTensors.Of(spec);

    // A loss on classes near 0 is lse(z) − z_target, a cancellation of terms at least the size of a uniform guess's
    // loss, ln(classes), whose rounding it keeps: its difference is judged against that, not against the loss alone.
    readonly double _lossScale = spec.Loss.Op.TakesClasses ? Math.Log(LayerShapes.Of(spec)[^1].Out[^1]) : 0;

    public int TotalSteps => _trainer.TotalSteps;

    public LockstepResult Train(IBackend engine, IBackend twin, Action? tick = null)
    {
        var steps = new List<StepDrift>();
        Divergence? beyondRounding = null, divergence = null;
        var watch = new NonFiniteWatch(spec);
        var differences = new double[LargestDifference.Block];
        // Each side's parameters and buffers before each step, to take the step's gradients again at a jump; before the
        // first, the engine's are the reference's (both start from the same), and an engine in another process is not asked.
        var before = twin.GetParameters();
        var engineBefore = before;
        // Each side reads its parameters on the thread that took its step, right after it: the engine's read, taken at once
        // with the reference's step, costs no time when the engine steps faster (a CNN's 207k parameters, 0.24 ms a step).
        var readers = new[] { new ParameterReader(engine), new ParameterReader(twin) };
        var read = new IReadOnlyList<HostTensor>[2];
        var metrics = _trainer.Train([engine, twin], (step, epoch, losses, batch) =>
        {
            var (engineParameters, twinParameters) = (read[0], read[1]);
            var drift = Measure(step, epoch, losses[0], losses[1], _lossScale, Determined(engineParameters), Determined(twinParameters), differences);
            steps.Add(drift);
            // A NaN/Inf anywhere makes the drift or a loss non-finite, so a finite step needs no search for one.
            if ((!double.IsFinite(drift.Drift) || !losses.All(double.IsFinite)) && watch.Observe(step, epoch, [Sides.Engine, Sides.Twin], losses, [engineParameters, twinParameters]))
            {
                // A NaN/Inf always lies beyond rounding; where it appeared says more than where the drift is largest.
                var exit = Beyond(drift)!;
                var nonFinite = watch.First!;
                beyondRounding ??= exit;
                divergence ??= exit with { Parameter = nonFinite.Parameter ?? exit.Parameter, Layer = nonFinite.Layer ?? exit.Layer, Reason = nonFinite.Where };
            }
            else if (beyondRounding is null && Beyond(drift) is { } exit)
            {
                beyondRounding = exit;
                // Leaving the rounding regime in one jump is a different computation; drifting out of it is not. Nor is a
                // jump a scale-free optimizer (Adam, RMSprop, Adagrad) makes of gradients that agree to rounding: it turns
                // a gradient element whose sign rounding decides (zero by construction, cancelled, a saturated sigmoid's
                // loss gradient, a ReLU fed a batch-norm channel with no variance) into full steps of either sign.
                var jump = RoundingBound.Jump * exit.Bound;
                if (exit.LossDiff > jump || (exit.RelativeDrift > jump && DriftWhereStepIsDetermined(engine, twin, engineBefore, before, engineParameters, twinParameters, batch, jump) > jump))
                    divergence = exit with { Reason = $"{exit.Reason}, in one jump to over {RoundingBound.Jump}× the rounding bound" };
            }
            (engineBefore, before) = (engineParameters, twinParameters);
            tick?.Invoke();
        }, afterOwnStep: side => read[side] = readers[side].Read());
        return new LockstepResult(metrics[0], metrics[1], steps, beyondRounding, divergence, watch.First);
    }

    /// <summary>
    /// The relative drift (as <see cref="Measure"/> has it) over the elements whose step the gradients determine: none when
    /// the gradients at the step differ beyond the check's tolerance (both engines from the reference's parameters and
    /// buffers <paramref name="twinBefore"/> the step, judged as <c>parity check</c> judges them, kink crossings by the
    /// layers above them) — then the jump stands whole. Else left out are the parameters below a kink both forwards put
    /// on different sides, and the elements whose gradients as each engine stepped on them (each from its own
    /// parameters before the step) part by more than <paramref name="jump"/> of their size: a scale-free optimizer may
    /// carry that to a difference of <paramref name="jump"/> in the step; and the elements whose gradient is within the check's
    /// bound on its rounding of zero, whose step a scale-free optimizer takes from rounding noise alone (sweep seed 300313:
    /// a linear weight over a conv's constant border outputs, whose ± terms cancel to −5.6e-17 in both engines' re-taken
    /// gradients, yet the steps part by the whole of lr·5.6e-7, Adagrad's step at eps 1e-10 from a gradient the step saw otherwise). Tensors without a gradient (buffers) count whole.
    /// Both backends are set back to <paramref name="engineAfter"/> and <paramref name="twinAfter"/>.
    /// </summary>
    double DriftWhereStepIsDetermined(IBackend engine, IBackend twin, IReadOnlyList<HostTensor> engineBefore, IReadOnlyList<HostTensor> twinBefore,
        IReadOnlyList<HostTensor> engineAfter, IReadOnlyList<HostTensor> twinAfter, Batch batch, double jump)
    {
        twin.SetParameters(twinBefore);
        engine.SetParameters(twinBefore);
        var parity = GradientParity.Run(spec, engine, twin, batch);
        engine.SetParameters(engineBefore);
        var stepped = engine.ComputeGradients(batch).Parameters.ToDictionary(g => g.Name);
        engine.SetParameters(engineAfter);
        twin.SetParameters(twinAfter);
        if (!(parity.Crossing is null ? parity : parity.JudgedByResync(spec)).Passed)
            return double.PositiveInfinity;
        var below = parity.Crossing?.Layer ?? 0;
        var gradients = parity.Twin.Parameters.ToDictionary(g => g.Name);
        var tolerance = Tolerances.Gradient(spec);
        double drift = 0, scale = 0;
        foreach (var (e, t) in Determined(engineAfter).Zip(Determined(twinAfter)))
        {
            scale = Math.Max(scale, TensorComparison.LargestFinite(t.Data));
            var gradient = gradients.GetValueOrDefault(t.Name);
            if (gradient is not null && Wording.LayerIndex(spec, t.Name) < below)
                continue;
            // A gradient no larger than the check's bound on its rounding (of the terms it is summed from) is zero as far as
            // rounding can tell, and its sign and size are rounding's: left out too.
            var noise = gradient is null ? 0 : tolerance.Atol + tolerance.Rtol * parity.Scales.OfParameter(t.Name);
            for (var i = 0; i < t.Count; i++)
                if (gradient is null || Math.Abs(stepped[t.Name].Data[i] - gradient.Data[i]) <= jump * Math.Abs(gradient.Data[i])
                    && Math.Max(Math.Abs(stepped[t.Name].Data[i]), Math.Abs(gradient.Data[i])) > noise)
                    drift = Math.Max(drift, Math.Abs(e.Data[i] - t.Data[i]));
        }
        return drift / Math.Max(scale, 1);
    }

    /// <summary>The parameters without the tensors training does not determine, and with the undetermined part of a tensor (attention's key bias) zeroed on both sides.</summary>
    IReadOnlyList<HostTensor> Determined(IReadOnlyList<HostTensor> parameters) =>
        _undetermined.Count == 0 ? parameters : [.. parameters.Select(Determined).OfType<HostTensor>()];

    HostTensor? Determined(HostTensor parameter)
    {
        if (!_undetermined.TryGetValue(parameter.Name, out var part))
            return parameter;
        var (start, length) = part.GetOffsetAndLength(parameter.Count);
        if (length == parameter.Count)
            return null;
        var determined = (double[])parameter.Data.Clone();
        Array.Clear(determined, start, length);
        return parameter with { Data = determined };
    }

    /// <summary>The largest parameter difference and where it lies (the first NaN, if any: the largest drift there is), over <paramref name="differences"/>, a buffer of <see cref="LargestDifference.Block"/>.</summary>
    static StepDrift Measure(int step, int epoch, double engineLoss, double twinLoss, double lossScale, IReadOnlyList<HostTensor> engine, IReadOnlyList<HostTensor> twin, double[] differences)
    {
        double drift = 0, scale = 0;
        var (parameter, index) = (engine[0].Name, 0);
        for (var t = 0; t < engine.Count && !double.IsInfinity(drift); t++)
        {
            var (largest, value, magnitude) = LargestDifference.Of(engine[t].Data, twin[t].Data, differences);
            var size = Math.Abs(value);
            if (double.IsNaN(size) || size > drift)
                (drift, parameter, index) = (double.IsNaN(size) ? double.PositiveInfinity : size, engine[t].Name, largest);
            scale = Math.Max(scale, magnitude);
        }
        var lossDiff = Math.Abs(engineLoss - twinLoss) / Math.Max(Math.Abs(twinLoss), Math.Max(lossScale, double.Epsilon));
        return new StepDrift(step, epoch, engineLoss, twinLoss, double.IsNaN(lossDiff) ? double.PositiveInfinity : lossDiff, drift, drift / Math.Max(scale, 1), parameter, index);
    }

    /// <summary>Whether step <paramref name="s"/> parts beyond rounding: a NaN/Inf, or a drift past <see cref="RoundingBound"/>.</summary>
    Divergence? Beyond(StepDrift s)
    {
        var bound = RoundingBound.At(spec.DType, s.Step);
        string? reason = !double.IsFinite(s.EngineLoss) || !double.IsFinite(s.TwinLoss) ? "the loss is NaN/Inf"
            : double.IsInfinity(s.Drift) ? "a parameter is NaN/Inf"
            : s.RelativeDrift > bound ? "the parameters part beyond rounding"
            : s.LossDiff > bound ? "the losses part beyond rounding"
            : null;
        return reason is null ? null : new Divergence(s.Step, s.Epoch, s.Parameter, NonFiniteWatch.LayerOf(spec, s.Parameter), s.RelativeDrift, s.LossDiff, bound, reason);
    }
}
