using Parity.Harness.Comparison;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// Both engines from the same parameters on the same batch: every layer's output, the loss, the
/// gradient reaching every layer's output, every parameter's gradient and the input's gradient.
/// Both sides' layer outputs are kept, TorchSharp's as the reference the diagnosis reasons from.
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
    TensorDifference Input)
{
    public bool Passed => Loss.Passed && LayerOutputs.All(d => d.Passed) && LayerOutputGradients.All(d => d.Passed)
        && Parameters.All(d => d.Passed) && Input.Passed;
}

public static class GradientParity
{
    public static GradientParityResult Run(ParitySpec spec, IBackend engine, IBackend twin, Batch batch)
    {
        var tolerance = Tolerances.Gradient(spec);
        var compare = (HostTensor a, HostTensor b) => TensorComparison.Compare(a, b, tolerance, spec.DType);
        var twinOutputs = twin.Forward(batch);
        var engineOutputs = engine.Forward(batch);
        var outputs = engineOutputs.Zip(twinOutputs, compare).ToList();
        var e = engine.ComputeGradients(batch);
        var t = twin.ComputeGradients(batch);
        return new GradientParityResult(
            e, t, engineOutputs, twinOutputs,
            compare(new HostTensor("loss", [1], [e.Loss]), new HostTensor("loss", [1], [t.Loss])),
            outputs,
            e.LayerOutputs.Zip(t.LayerOutputs, compare).ToList(),
            e.Parameters.Zip(t.Parameters, compare).ToList(),
            compare(e.Input, t.Input));
    }
}
