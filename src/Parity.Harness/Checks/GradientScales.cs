using Parity.Harness.Comparison;
using Parity.Harness.Diagnosis;
using Parity.Spec;

namespace Parity.Harness.Checks;

/// <summary>
/// The scale each gradient of the reference's backward is judged against: the size of the terms it is summed
/// from, which its rounding is relative to — not its own size, which for a gradient zero by construction (the
/// bias of a linear layer before batch norm, or everything below a batch norm whose upstream gradient is the same
/// on every row) is rounding noise itself. Going backward from the loss, each layer is run alone on TorchSharp's
/// input to it with an upstream gradient of random signs and of the scale reaching its output, which cannot
/// cancel as the real one may: the largest of its parameter gradients is its parameters' scale, the largest of
/// its input gradient is the scale reaching the layer below (or the real gradient's, when that is larger).
/// Without <see cref="ILayerProbe"/> each gradient's scale is the largest of its own layer's real gradients.
/// </summary>
public sealed record GradientScales(IReadOnlyList<double> LayerOutputs, IReadOnlyList<double> Parameters, double Input)
{
    /// <summary>The scale of a parameter's gradient, by its state_dict name ("0.bias": layer 0's).</summary>
    public double OfParameter(string name) => Parameters[Wording.LayerIndex(name)];

    /// <summary>The scale of the gradient reaching layer <paramref name="layer"/>'s input: the one below's output, or the batch's.</summary>
    public double OfLayerInput(int layer) => layer == 0 ? Input : LayerOutputs[layer - 1];

    /// <summary>
    /// The scales of the reference's gradients on <paramref name="batch"/>. Runs each layer of <paramref name="twin"/>
    /// once more, which moves batch norm's buffers: call it after they are read.
    /// </summary>
    public static GradientScales Of(ParitySpec spec, IBackend twin, Batch batch, IReadOnlyList<HostTensor> twinOutputs, Gradients twinGradients)
    {
        var layers = spec.Model.Count;
        var (outputs, parameters) = (new double[layers], new double[layers]);
        var random = SeededRandom.For(spec.Seed, "gradient scales");
        double reaching = 0;
        for (var i = layers - 1; i >= 0; i--)
        {
            var gradient = twinGradients.LayerOutputs[i];
            outputs[i] = reaching = Math.Max(reaching, TensorComparison.LargestFinite(gradient.Data));
            parameters[i] = Largest(twinGradients.Parameters.Where(p => Wording.LayerIndex(p.Name) == i));
            var input = i == 0 ? twinGradients.Input : twinGradients.LayerOutputs[i - 1];
            if (twin is not ILayerProbe probe)
            {
                reaching = TensorComparison.LargestFinite(input.Data);
                continue;
            }
            var signs = new HostTensor(gradient.Name, gradient.Shape, [.. gradient.Data.Select(_ => random.NextInt(2) == 0 ? -reaching : reaching)]);
            var run = probe.RunLayer(i, batch, LayerResync.Input(spec, batch, twinOutputs, i), signs);
            parameters[i] = Math.Max(parameters[i], Largest(run.Parameters));
            reaching = Math.Max(TensorComparison.LargestFinite(run.Input.Data), TensorComparison.LargestFinite(input.Data));
        }
        return new GradientScales(outputs, parameters, reaching);
    }

    static double Largest(IEnumerable<HostTensor> tensors) => TensorComparison.LargestFinite(tensors.SelectMany(t => t.Data));
}
