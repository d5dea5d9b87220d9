using Parity.Spec;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// The floating-point operations of one training step, counted from the spec rather than measured:
/// a linear layer's product is 2·rows·in·out forward, and as much again backward for dL/dW and for
/// dL/dX — except dL/dX of the first layer with parameters, which nothing needs and neither engine
/// computes (nor anything before it). Every other op's count is its catalogue row's
/// (<see cref="LayerOp.CostOf"/>): elementwise work a nominal few operations per element, conv2d its
/// products; the products dominate every model worth timing.
/// </summary>
public sealed record FlopCount(long Forward, long Backward, long Step)
{
    public long TrainStep => Forward + Backward + Step;

    /// <summary>GFLOP/s of a training step that took <paramref name="milliseconds"/>.</summary>
    public double GflopsAt(double milliseconds) => milliseconds > 0 ? TrainStep / (milliseconds * 1e6) : 0;

    /// <summary>
    /// One sample's operations in a layer: linear's products and bias (at each position of a sequence [T, in]),
    /// a residual block's sum (and its gradient's, which flows both ways), or the op's catalogue row.
    /// </summary>
    public static OpCost PerSample(LayerSpec layer, int[] input, int[] output) => layer switch
    {
        LinearLayer linear => new OpCost(
            Positions(input) * (2L * linear.In * linear.Out + (linear.Bias ? linear.Out : 0)),
            Positions(input) * (2L * linear.In * linear.Out + (linear.Bias ? linear.Out : 0)),
            Positions(input) * 2L * linear.In * linear.Out),
        ResidualLayer => new OpCost(LayerShapes.Count(output), 0, LayerShapes.Count(output)),
        OpLayer op => op.Op.CostOf(op.Settings, input, output),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "no FLOP rule for this layer"),
    };

    static long Positions(int[] input) => input.Length == 2 ? input[0] : 1;

    public static FlopCount Of(ParitySpec spec, int rows)
    {
        long forward = 0, backward = 0;
        var shapes = LayerShapes.Of(spec);
        // Backward stops at the first layer that owns parameters: nothing before it needs a gradient.
        var first = spec.Model.Select((layer, i) => (layer, i)).First(p => LayerShapes.Owned(p.layer, shapes[p.i].In).Count > 0).i;
        for (var i = 0; i < spec.Model.Count; i++)
        {
            var cost = PerSample(spec.Model[i], shapes[i].In, shapes[i].Out);
            forward += rows * cost.Forward;
            if (i >= first)
                backward += rows * (cost.BackwardToParameters + (i > first ? cost.BackwardToInput : 0));
        }
        // The loss: its catalogue entry's few operations per output.
        var outputs = (long)rows * spec.OutputWidth;
        forward += spec.Loss.Op.ForwardFlops * outputs;
        backward += spec.Loss.Op.BackwardFlops * outputs;
        return new FlopCount(forward, backward, StepPerParameter(spec) * ParameterCount(spec));
    }

    /// <summary>The trained parameters (buffers are not).</summary>
    public static long ParameterCount(ParitySpec spec) =>
        spec.Model.Zip(LayerShapes.Of(spec)).Sum(p => LayerShapes.Owned(p.First, p.Second.In).Where(t => !t.Buffer).Sum(t => t.Count));

    /// <summary>Per parameter: the optimizer's catalogue count (<see cref="OptimizerOp.StepFlops"/>) and the clipping's (<see cref="ClipOp.Flops"/>).</summary>
    static long StepPerParameter(ParitySpec spec) => spec.Optimizer.Op.StepFlops(spec.Optimizer.Settings) + (spec.Clip?.Op.Flops ?? 0);
}
