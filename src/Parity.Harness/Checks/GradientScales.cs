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
/// cancel as the real one may, and once more on |input| with that scale everywhere, whose weight gradients sum the terms'
/// sizes: the largest of its parameter gradients is its parameters' scale, the largest of its input gradient (from
/// the random signs) is the scale reaching the layer below (or the real gradient's, when that is larger).
/// Without <see cref="ILayerProbe"/> each gradient's scale is the largest of its own layer's real gradients.
/// </summary>
public sealed record GradientScales(IReadOnlyList<double> LayerOutputs, IReadOnlyList<double> Parameters, double Input, IReadOnlyDictionary<string, int> Owners)
{
    /// <summary>The scale of a parameter's gradient, by its state_dict name ("0.bias": layer 0's; "2.1.c_attn.weight": layer 2.1's).</summary>
    public double OfParameter(string name) => Parameters[Owners[name]];

    /// <summary>The scale of the gradient reaching the input of the layer fed by entry <paramref name="feeding"/> (<see cref="LayerShapes.Feeding"/>; −1: the batch's).</summary>
    public double OfLayerInput(int feeding) => feeding < 0 ? Input : LayerOutputs[feeding];

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
            parameters[i] = Largest(twinGradients.Parameters.Where(p => Wording.LayerIndex(spec, p.Name) == i));
            var feeding = LayerShapes.Feeding(spec, i);
            var below = feeding < 0 ? twinGradients.Input : twinGradients.LayerOutputs[feeding];
            if (twin is not ILayerProbe probe)
            {
                reaching = TensorComparison.LargestFinite(below.Data);
                continue;
            }
            var input = LayerResync.Input(spec, batch, twinOutputs, i);
            var signs = new HostTensor(gradient.Name, gradient.Shape, [.. gradient.Data.Select(_ => random.NextInt(2) == 0 ? -reaching : reaching)]);
            var run = probe.RunLayer(i, batch, input, signs);
            // A weight's gradient sums g·x over the rows (and positions), which random signs cancel too when the rows' inputs
            // are alike (a batch of 2 rows a batch norm sets apart by ±g): the same upstream everywhere on |x| sums the terms' sizes.
            var sizes = probe.RunLayer(i, batch, new HostTensor(input.Name, input.Shape, [.. input.Data.Select(Math.Abs)]),
                new HostTensor(gradient.Name, gradient.Shape, [.. gradient.Data.Select(_ => reaching)]));
            parameters[i] = Math.Max(parameters[i], Math.Max(Largest(run.Parameters), Largest(sizes.Parameters)));
            reaching = Math.Max(TensorComparison.LargestFinite(run.Input.Data), TensorComparison.LargestFinite(below.Data));
            // Random signs cancel in batch norm's input gradient as the real ones do (on 2 rows, to eps/(σ² + eps)): its terms' size.
            if (spec.Model[i] is OpLayer { Op.InputGradientSlope: { } slope } op)
                reaching = Math.Max(reaching, outputs[i] * slope(op.Settings, LayerShapes.Of(spec)[i].In, input.Data, batch.Rows));
        }
        return new GradientScales(outputs, parameters, reaching, twinGradients.Parameters.ToDictionary(p => p.Name, p => Wording.LayerIndex(spec, p.Name)));
    }

    static double Largest(IEnumerable<HostTensor> tensors) => TensorComparison.LargestFinite(tensors.SelectMany(t => t.Data));
}
