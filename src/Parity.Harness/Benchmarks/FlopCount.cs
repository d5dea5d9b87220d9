using Parity.Spec;

namespace Parity.Harness.Benchmarks;

/// <summary>
/// The floating-point operations of one training step, counted from the spec rather than measured:
/// a linear layer's product is 2·rows·in·out forward, and as much again backward for dL/dW and for
/// dL/dX — except dL/dX of the first linear layer, which nothing needs and neither engine computes.
/// Elementwise work counts a nominal few operations per element (<see cref="PerElement"/>); the
/// products dominate every model worth timing.
/// </summary>
public sealed record FlopCount(long Forward, long Backward, long Step)
{
    public long TrainStep => Forward + Backward + Step;

    /// <summary>GFLOP/s of a training step that took <paramref name="milliseconds"/>.</summary>
    public double GflopsAt(double milliseconds) => milliseconds > 0 ? TrainStep / (milliseconds * 1e6) : 0;

    /// <summary>Nominal operations per element of the elementwise work, forward and backward.</summary>
    public static (int Forward, int Backward) PerElement(LayerSpec layer) => layer switch
    {
        // the bias: added forward, summed over the rows backward
        LinearLayer { Bias: true } => (1, 1),
        LinearLayer => (0, 0),
        ActivationLayer activation => (activation.Op.ForwardFlops, activation.Op.BackwardFlops),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "no FLOP rule for this layer"),
    };

    public static FlopCount Of(ParitySpec spec, int rows)
    {
        long forward = 0, backward = 0;
        var width = spec.Shape.Features;
        var firstLinear = true;
        foreach (var layer in spec.Model)
        {
            if (layer is LinearLayer linear)
            {
                var product = 2L * rows * linear.In * linear.Out;
                forward += product;
                backward += firstLinear ? product : 2 * product;
                firstLinear = false;
                width = linear.Out;
            }
            var (elementForward, elementBackward) = PerElement(layer);
            forward += (long)rows * width * elementForward;
            backward += (long)rows * width * elementBackward;
        }
        // The loss: its catalogue entry's few operations per output.
        var outputs = (long)rows * spec.OutputWidth;
        forward += spec.Loss.Op.ForwardFlops * outputs;
        backward += spec.Loss.Op.BackwardFlops * outputs;
        return new FlopCount(forward, backward, StepPerParameter(spec) * ParameterCount(spec));
    }

    public static long ParameterCount(ParitySpec spec) => spec.LinearLayers.Sum(l => (long)l.In * l.Out + (l.Bias ? l.Out : 0));

    /// <summary>
    /// Per parameter: SGD p − lr·g is 2, weight decay 2 more, momentum 3 (μ·b + k·g), Nesterov 2;
    /// Adam 12 (two moments 3 each, √, two divisions, eps, the update 2), amsgrad 1;
    /// RMSprop 8 (s 3, √, eps, division, update 2), centered 5, momentum 2; Adagrad 7 (s 2, √, eps, division, update 2);
    /// L2 weight decay 2; clipping by norm 3 (square, sum, scale), by value 1.
    /// </summary>
    static long StepPerParameter(ParitySpec spec)
    {
        var operations = spec.Optimizer switch
        {
            SgdSpec sgd => 2L + (sgd.WeightDecay != 0 ? 2 : 0) + (sgd.Momentum != 0 ? (sgd.Nesterov ? 5 : 3) : 0),
            AdamSpec adam => 12L + (adam.WeightDecay != 0 ? 2 : 0) + (adam.Amsgrad ? 1 : 0),
            RmspropSpec rmsprop => 8L + (rmsprop.WeightDecay != 0 ? 2 : 0) + (rmsprop.Centered ? 5 : 0) + (rmsprop.Momentum != 0 ? 2 : 0),
            AdagradSpec adagrad => 7L + (adagrad.WeightDecay != 0 ? 2 : 0),
            var other => throw new ArgumentException($"no operation count for {other.Describe().Kind}"),
        };
        if (spec.Clip is { } clip)
            operations += clip.Kind == ClipKind.Norm ? 3 : 1;
        return operations;
    }
}
