using Parity.Harness.Comparison;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// Both engines from the same parameters on the same batch: every layer's output, the loss, the
/// gradient reaching every layer's output, every parameter's gradient and the input's gradient; the
/// buffers the training forward moved (batch norm's running statistics); and, for a model whose
/// evaluation differs from its training (dropout, batch norm), the evaluation outputs after that step.
/// Both sides' layer outputs are kept, TorchSharp's as the reference the diagnosis reasons from, and the scale
/// each of TorchSharp's gradients is judged against (<see cref="GradientScales"/>).
/// </summary>
public sealed record GradientParityResult(
    Gradients Engine,
    Gradients Twin,
    IReadOnlyList<HostTensor> EngineOutputs,
    IReadOnlyList<HostTensor> TwinOutputs,
    TensorDifference Loss,
    IReadOnlyList<TensorDifference> LayerOutputs,
    IReadOnlyList<TensorDifference> LayerOutputGradients,
    IReadOnlyList<TensorDifference> Parameters,
    TensorDifference Input,
    IReadOnlyList<(HostTensor Engine, HostTensor Twin, TensorDifference Difference)> Buffers,
    (HostTensor Engine, HostTensor Twin, TensorDifference Difference)? Evaluation,
    GradientScales Scales,
    KinkCrossing? Crossing)
{
    /// <summary>The parameters and buffers both engines started from (the reference's), by state_dict name: what the diagnosis recomputes a layer from.</summary>
    public IReadOnlyList<HostTensor> Values { get; init; } = [];

    public bool Passed => Loss.Passed && LayerOutputs.All(d => d.Passed) && LayerOutputGradients.All(d => d.Passed)
        && Parameters.All(d => d.Passed) && Input.Passed && Buffers.All(b => b.Difference.Passed) && Evaluation?.Difference.Passed != false;

    /// <summary>
    /// The gradients below <see cref="Crossing"/>'s layer — reaching the outputs of the layers before it, their
    /// parameters', the input's — passed on re-sync's word, which found no layer with an error of its own: rounding
    /// sent them through another branch of a kink, and only a layer fed TorchSharp's input can be compared.
    /// </summary>
    public GradientParityResult JudgedByResync(ParitySpec spec)
    {
        var below = Crossing!.Layer;
        return this with
        {
            LayerOutputGradients = [.. LayerOutputGradients.Select((d, i) => i < below ? d with { Passed = true } : d)],
            Parameters = [.. Parameters.Select(d => Diagnosis.Wording.LayerIndex(spec, d.Name) < below ? d with { Passed = true } : d)],
            Input = Input with { Passed = true },
        };
    }
}

public static class GradientParity
{
    public static GradientParityResult Run(ParitySpec spec, IBackend engine, IBackend twin, Batch batch)
    {
        var tolerance = Tolerances.Gradient(spec);
        var compare = (HostTensor a, HostTensor b) => TensorComparison.Compare(a, b, tolerance, spec.DType);
        var values = twin.GetParameters();
        var twinOutputs = ByPath(spec, twin.Forward(batch));
        var engineOutputs = ByPath(spec, engine.Forward(batch));
        var outputScales = CarriedOutputScales(spec, batch, twinOutputs);
        var outputs = engineOutputs.Zip(twinOutputs).Select((pair, i) => TensorComparison.Compare(pair.First, pair.Second, tolerance, spec.DType, outputScales[i])).ToList();
        var e = engine.ComputeGradients(batch);
        var t = twin.ComputeGradients(batch);
        (e, t) = (e with { LayerOutputs = ByPath(spec, e.LayerOutputs) }, t with { LayerOutputs = ByPath(spec, t.LayerOutputs) });
        var trained = e.Parameters.Select(p => p.Name).ToHashSet();
        var buffers = engine.GetParameters().Zip(twin.GetParameters()).Where(pair => !trained.Contains(pair.First.Name))
            .Select(pair => (pair.First, pair.Second, compare(pair.First, pair.Second))).ToList();
        var evaluation = spec.Model.OfType<OpLayer>().Any(layer => layer.Op.TrainingDiffers(layer.Settings)) ? Evaluations(engine, twin, batch, compare) : ((HostTensor, HostTensor, TensorDifference)?)null;
        // Last: it runs the twin's layers again, moving its buffers.
        var scales = GradientScales.Of(spec, twin, batch, twinOutputs, t);
        var crossing = KinkCrossing.Find(spec, batch, engineOutputs, twinOutputs);
        TensorDifference Gradient(HostTensor a, HostTensor b, double scale) => TensorComparison.Compare(a, b, tolerance, spec.DType, scale);
        return new GradientParityResult(
            e, t, engineOutputs, twinOutputs,
            compare(new HostTensor("loss", [1], [e.Loss]), new HostTensor("loss", [1], [t.Loss])),
            outputs,
            e.LayerOutputs.Zip(t.LayerOutputs).Select((pair, i) => Gradient(pair.First, pair.Second, scales.LayerOutputs[i])).ToList(),
            e.Parameters.Zip(t.Parameters, (a, b) => Gradient(a, b, scales.OfParameter(b.Name))).ToList(),
            Gradient(e.Input, t.Input, scales.Input),
            buffers,
            evaluation,
            scales,
            crossing) { Values = values };
    }

    /// <summary>Each layer's tensor named by the layer's path, whatever the backend called it: the diagnosis finds the layer by name.</summary>
    static IReadOnlyList<HostTensor> ByPath(ParitySpec spec, IReadOnlyList<HostTensor> perLayer) =>
        [.. perLayer.Select((tensor, i) => tensor with { Name = spec.Model[i].Path })];

    /// <summary>
    /// The scale each layer's training output is judged against end to end: its own (<see cref="OutputScale"/>), and for an
    /// op of bounded slope (<see cref="LayerOp.Slope"/>) at least the scale its input was judged against times that slope —
    /// the error the input may carry reaches the output no larger, however small the output itself.
    /// </summary>
    static double[] CarriedOutputScales(ParitySpec spec, Batch batch, IReadOnlyList<HostTensor> twinOutputs)
    {
        var scales = new double[twinOutputs.Count];
        for (var i = 0; i < scales.Length; i++)
        {
            scales[i] = OutputScale(spec, batch, LayerResync.Input(spec, batch, twinOutputs, i), i, twinOutputs[i]);
            if (i > 0 && spec.Model[i] is OpLayer { Op.Slope: { } slope } op)
                scales[i] = Math.Max(scales[i], slope(op.Settings) * scales[i - 1]);
            // A residual block adds its input to its layers' output: its rounding is relative to both.
            if (spec.Model[i] is ResidualLayer)
                scales[i] = Math.Max(scales[i], Math.Max(scales[i - 1], LayerShapes.Feeding(spec, i) is var feeding and >= 0 ? scales[feeding] : 0));
        }
        return scales;
    }

    /// <summary>
    /// The scale layer <paramref name="layer"/>'s training output is judged against, fed <paramref name="input"/>: its
    /// op's scale of terms (<see cref="LayerOp.OutputScale"/>, batch norm's) where larger, else the output's largest element.
    /// </summary>
    internal static double OutputScale(ParitySpec spec, Batch batch, HostTensor input, int layer, HostTensor output)
    {
        var own = TensorComparison.LargestFinite(output.Data);
        return spec.Model[layer] is OpLayer { Op.OutputScale: { } scale } op
            ? Math.Max(own, scale(op.Settings, LayerShapes.Of(spec)[layer].In, input.Data, batch.Rows))
            : own;
    }

    /// <summary>Each engine's evaluation outputs on the batch, and how they compare.</summary>
    static (HostTensor, HostTensor, TensorDifference) Evaluations(IBackend engine, IBackend twin, Batch batch, Func<HostTensor, HostTensor, TensorDifference> compare)
    {
        var (e, t) = (Outputs(engine, batch), Outputs(twin, batch));
        return (e, t, compare(e, t));
    }

    static HostTensor Outputs(IBackend backend, Batch batch)
    {
        var evaluation = backend.Evaluate(batch);
        return new HostTensor("evaluation", [batch.Rows, evaluation.Width], evaluation.Outputs);
    }
}
