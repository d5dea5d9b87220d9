using Parity.Harness.Comparison;
using Parity.Harness.Diagnosis;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Checks;

/// <summary>Everything <c>parity check</c> found for one spec; <see cref="Batches"/>, the mini-batches of the update check (the first is <see cref="Batch"/>).</summary>
public sealed record CheckResult(
    ParitySpec Spec,
    Batch Batch,
    IReadOnlyList<HostTensor> InitialParameters,
    GradientParityResult Gradients,
    LayerResyncResult Resync,
    UpdateParityResult Updates,
    GradcheckResult EngineGradcheck,
    GradcheckResult TwinGradcheck,
    IReadOnlyList<string> Diagnosis,
    IReadOnlyList<Batch> Batches)
{
    public bool Passed => Gradients.Passed && Updates.Passed && (EngineGradcheck.Passed && TwinGradcheck.Passed || ControlSharesFailures);

    /// <summary>
    /// Finite differences fail where the method does, not the engine: TorchSharp's control fails at the same points with
    /// the same numerical derivatives (a loss whose rounding, over eps, outweighs a gradient that is zero by construction,
    /// or that is not smooth within eps). Gradient parity then judges the engine; nondeterminism and linearity still count.
    /// </summary>
    public bool ControlSharesFailures => !EngineGradcheck.Passed && !TwinGradcheck.Passed && EngineGradcheck.Nondeterminism == 0
        && EngineGradcheck.Linearity?.Passed != false && EngineGradcheck.Failures.Count > 0
        && EngineGradcheck.Failures.Count == TwinGradcheck.Failures.Count
        && EngineGradcheck.Failures.Zip(TwinGradcheck.Failures).All(pair => pair.First.Where == pair.Second.Where
            && Math.Abs(pair.First.Numerical - pair.Second.Numerical) <= Tolerances.Gradcheck(Spec).Atol + Tolerances.Gradcheck(Spec).Rtol * Math.Abs(pair.Second.Numerical));
}

/// <summary>
/// Runs the checks of one spec on the first mini-batch of epoch 1: gradient parity, each layer
/// re-synced to TorchSharp's input and upstream gradient, the optimizer
/// over a few steps, and finite differences on each engine (in float64, whatever the spec's dtype),
/// each from fresh backends built from the same initial parameters; then the diagnosis.
/// </summary>
/// <remarks>
/// <paramref name="afterPart"/>, when given, runs after each part, once its backends are disposed of: a
/// part's copies of a large model's layer outputs and gradients are hundreds of MB of garbage, which a
/// caller with a memory ceiling (the suite) may want handed back before the next part makes more.
/// </remarks>
public sealed class CheckRunner(BackendFactory engine, BackendFactory twin, Action? afterPart = null)
{
    public CheckResult Run(ParitySpec spec, Dataset data, IReadOnlyList<HostTensor> initial)
    {
        var batches = FirstBatches(spec, data);
        var model = ModelDescriptions.Describe(spec);
        GradientParityResult gradients;
        using (var e = engine(model, initial))
        using (var t = twin(model, initial))
            gradients = GradientParity.Run(spec, e, t, batches[0]);
        afterPart?.Invoke();
        LayerResyncResult resync;
        using (var e = engine(model, initial))
        using (var t = twin(model, initial))
            resync = LayerResync.Run(spec, e, t, batches[0], gradients);
        afterPart?.Invoke();
        // Below a kink that rounding alone made the engines cross, only layers fed TorchSharp's input compare: re-sync's.
        if (!gradients.Passed && gradients.Crossing is not null && resync.Available && resync.Blamed.Count == 0)
            gradients = gradients.JudgedByResync();

        UpdateParityResult updates;
        using (var e = engine(model, initial))
        using (var t = twin(model, initial))
            updates = UpdateParity.Run(spec, e, t, batches);
        // Only a failing update needs its parts told apart.
        if (!updates.Passed)
            using (var e = engine(model, initial))
            using (var t = twin(model, initial))
                updates = updates with { Forced = UpdateParity.Forced(spec, e, t, batches) };
        afterPart?.Invoke();

        // A float32 model's parameters and data are exact in float64, where differences resolve.
        var float64 = spec with { DType = DType.Float64 };
        var model64 = ModelDescriptions.Describe(float64);
        GradcheckResult engineCheck, twinCheck;
        using (var e = engine(model64, initial))
            engineCheck = FiniteDifferenceCheck.Run(float64, e, batches[0]);
        afterPart?.Invoke();
        using (var t = twin(model64, initial))
            twinCheck = FiniteDifferenceCheck.Run(float64, t, batches[0]);

        var diagnosis = GradientDiagnosis.Explain(spec, batches[0], gradients, resync, updates, engineCheck, twinCheck);
        return new CheckResult(spec, batches[0], initial, gradients, resync, updates, engineCheck, twinCheck, diagnosis, batches);
    }

    /// <summary>The mini-batches that open epoch 1, as training would see them.</summary>
    static IReadOnlyList<Batch> FirstBatches(ParitySpec spec, Dataset data)
    {
        var order = BatchOrder.ForEpoch(spec, 1, data.Train.Rows);
        var batches = new List<Batch>();
        for (var start = 0; start < order.Length && batches.Count < UpdateParity.StepCount; start += spec.Train.Batch)
            batches.Add(Batches.ForStep(spec, data.Train, order.AsSpan(start, Math.Min(spec.Train.Batch, order.Length - start)), 1, start));
        return batches;
    }
}
