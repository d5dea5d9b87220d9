using Parity.Harness.Comparison;
using Parity.Harness.Diagnosis;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// One layer re-synced: <see cref="Own"/> compares the engine's and TorchSharp's run of the layer alone
/// on TorchSharp's input and upstream gradient (its output, dL/d(input), its parameters' gradients and
/// the buffers its forward moved) and, in a model whose evaluation differs from training, its evaluation
/// output on TorchSharp's eval-mode input to it; <see cref="EndToEnd"/> the same tensors in the normal run, where the
/// layer also carries what the layers before and after it did. The errors are the largest absolute
/// differences; the inherited error is what the end-to-end run adds to the own one. <see cref="Layer"/> is the layer's
/// index in the flat post-order list, <see cref="Path"/> its place in the module tree ("2.1"; the index itself outside residual blocks).
/// </summary>
public sealed record LayerResyncRow(int Layer, string Path, IReadOnlyList<TensorDifference> Own, IReadOnlyList<TensorDifference> EndToEnd)
{
    /// <summary>For a residual block, how many entries before it are its layers (<see cref="ResidualLayer.Span"/>); 0 otherwise.</summary>
    public int Span { get; init; }

    public double OwnError => Largest(Own);

    public double InheritedError => Math.Max(0, Largest(EndToEnd) - OwnError);

    public bool OwnPassed => Own.All(d => d.Passed);

    /// <summary>"own": the layer's own bug; "inherited": it agrees on TorchSharp's input and upstream gradient, but not in the normal run; "agrees".</summary>
    public string Verdict => !OwnPassed ? "own" : EndToEnd.All(d => d.Passed) ? "agrees" : "inherited";

    /// <summary>The own difference furthest outside tolerance, for the diagnosis.</summary>
    public TensorDifference? WorstOwn => Own.Where(d => !d.Passed).MaxBy(d => double.IsNaN(d.MaxAbsErr) ? double.PositiveInfinity : d.MaxAbsErr);

    static double Largest(IEnumerable<TensorDifference> differences) =>
        differences.Select(d => double.IsNaN(d.MaxAbsErr) ? double.PositiveInfinity : d.MaxAbsErr).DefaultIfEmpty(0).Max();
}

/// <summary>Every layer re-synced, or why re-sync was not available (<see cref="Unavailable"/>: a backend without <see cref="ILayerProbe"/>, or one that declined).</summary>
public sealed record LayerResyncResult(IReadOnlyList<LayerResyncRow> Layers, string? Unavailable = null)
{
    public bool Available => Unavailable is null;

    /// <summary>The layers with an own error: the only ones a diagnosis may blame.</summary>
    /// <remarks>A residual block runs its layers too: it is blamed only when none of them has an own error, as its skip is then what differs.</remarks>
    public IReadOnlyList<int> Blamed => [.. Layers.Where(l => !l.OwnPassed && !Layers.Skip(l.Layer - l.Span).Take(l.Span).Any(inner => !inner.OwnPassed)).Select(l => l.Layer)];
}

/// <summary>
/// Per-layer re-sync: each layer of the engine run alone (<see cref="ILayerProbe"/>) on TorchSharp's
/// input to that layer and TorchSharp's gradient reaching its output, from the gradient parity run, and
/// compared with TorchSharp's run of the same layer on the same tensors. A layer whose own run differs
/// has a bug of its own; one that agrees alone but differs end to end only inherits the drift of the
/// layers before it (forward) or after it (backward). Each layer's evaluation forward is re-synced the
/// same way, on TorchSharp's eval-mode input to it, so that a bug of evaluation alone (batch norm on the
/// batch's statistics in eval mode) is an own error of its layer. Takes fresh backends: each layer runs once, so
/// the buffers it moves are compared from the same start.
/// </summary>
public static class LayerResync
{
    public static LayerResyncResult Run(ParitySpec spec, IBackend engine, IBackend twin, Batch batch, GradientParityResult parity)
    {
        if (engine is not ILayerProbe engineProbe || twin is not ILayerProbe twinProbe)
            return new LayerResyncResult([], $"{(engine is ILayerProbe ? twin.Name : engine.Name)} does not implement ILayerProbe (contract 2.1.0), which runs one layer on a given input and upstream gradient");
        var tolerance = Tolerances.Gradient(spec);
        var compare = (HostTensor a, HostTensor b) => TensorComparison.Compare(a, b, tolerance, spec.DType);
        var layers = spec.Model.Count;
        var own = new List<TensorDifference>[layers];
        // As in the parity run, evaluation is compared only in a model whose evaluation differs from its training.
        var evaluates = parity.Evaluation is not null;
        // TorchSharp's eval-mode output of each layer, what the layers it feeds take in evaluation.
        var evaluated = new HostTensor[layers];
        try
        {
            for (var i = 0; i < layers; i++)
            {
                var input = Input(spec, batch, parity.TwinOutputs, i);
                var upstream = parity.Twin.LayerOutputs[i];
                var e = engineProbe.RunLayer(i, batch, input, upstream);
                var t = twinProbe.RunLayer(i, batch, input, upstream);
                // Each gradient against its scale in the end-to-end run (GradientScales): the same tensors, on the same input and upstream gradient.
                var scales = parity.Scales;
                own[i] = [TensorComparison.Compare(Named(spec.Model[i].Path, e.Output), Named(spec.Model[i].Path, t.Output), tolerance, spec.DType, GradientParity.OutputScale(spec, batch, input, i, t.Output)),
                    TensorComparison.Compare(Named(InputName(spec, i), e.Input), Named(InputName(spec, i), t.Input), tolerance, spec.DType, scales.OfLayerInput(LayerShapes.Feeding(spec, i))),
                    .. e.Parameters.Zip(t.Parameters, (a, b) => TensorComparison.Compare(a, b, tolerance, spec.DType, scales.OfParameter(b.Name)))];
                if (!evaluates)
                    continue;
                // After the training forward, which moved the buffers as ComputeGradients did before the
                // parity run's evaluation: each layer's eval forward on TorchSharp's eval-mode input to it.
                var name = $"{spec.Model[i].Path} output in evaluation";
                var evaluationInput = LayerShapes.Feeding(spec, i) is var feeding and >= 0 ? evaluated[feeding] : Input(spec, batch, parity.TwinOutputs, 0);
                evaluated[i] = twinProbe.RunLayerEvaluation(i, batch, evaluationInput);
                own[i].Add(compare(Named(name, engineProbe.RunLayerEvaluation(i, batch, evaluationInput)), Named(name, evaluated[i])));
            }
        }
        catch (NotSupportedException declined)
        {
            return new LayerResyncResult([], declined.Message);
        }
        // The buffers each layer's one training forward moved, by the layer they belong to.
        var trained = parity.Engine.Parameters.Select(p => p.Name).ToHashSet();
        foreach (var (e, t) in engine.GetParameters().Zip(twin.GetParameters()).Where(pair => !trained.Contains(pair.First.Name)))
            own[Wording.LayerIndex(spec, e.Name)].Add(compare(e, t));

        return new LayerResyncResult([.. Enumerable.Range(0, layers).Select(i => new LayerResyncRow(i, spec.Model[i].Path, own[i], EndToEnd(spec, parity, i)) { Span = (spec.Model[i] as ResidualLayer)?.Span ?? 0 })]);
    }

    /// <summary>What layer <paramref name="index"/> received in TorchSharp's run: the batch's features, or the output of the layer before, shaped as the layer takes it.</summary>
    internal static HostTensor Input(ParitySpec spec, Batch batch, IReadOnlyList<HostTensor> twinOutputs, int index) => LayerShapes.Feeding(spec, index) is var feeding and >= 0
        ? twinOutputs[feeding]
        : new HostTensor("input", [batch.Rows, .. LayerShapes.Of(spec)[0].In], batch.X);

    /// <summary>The same tensors in the normal run: the layer's output, the gradient leaving it backward (dL/d of its input), its parameters' gradients, its buffers.</summary>
    static IReadOnlyList<TensorDifference> EndToEnd(ParitySpec spec, GradientParityResult parity, int index) =>
    [
        parity.LayerOutputs[index],
        Renamed(LayerShapes.Feeding(spec, index) is var feeding and >= 0 ? parity.LayerOutputGradients[feeding] : parity.Input, InputName(spec, index)),
        .. parity.Parameters.Where(d => Wording.LayerIndex(spec, d.Name) == index),
        .. parity.Buffers.Select(b => b.Difference).Where(d => Wording.LayerIndex(spec, d.Name) == index),
    ];

    static string InputName(ParitySpec spec, int index) => $"{spec.Model[index].Prefix}input gradient";

    static HostTensor Named(string name, HostTensor tensor) => new(name, tensor.Shape, tensor.Data);

    static TensorDifference Renamed(TensorDifference difference, string name) => difference with { Name = name };
}
