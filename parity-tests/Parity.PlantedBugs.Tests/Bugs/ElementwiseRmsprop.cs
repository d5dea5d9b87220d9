using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>What one RMSprop element's gradient is divided by, from its square_avg s and its grad_avg ḡ (zero unless centered).</summary>
delegate double RmspropDenominator(double squareAverage, double gradientAverage);

/// <summary>
/// An RMSprop loop over every parameter element without momentum or weight decay: s ← α·s + (1 − α)·g², and when
/// centered ḡ ← α·ḡ + (1 − α)·g, as PyTorch keeps them, then p ← p − lr·g / d with a planted denominator d — each
/// planted denominator mistake is one rule. The state is exposed under PyTorch's names (square_avg, and grad_avg when centered).
/// </summary>
sealed class ElementwiseRmsprop(IReadOnlyList<Parameter<double>> parameters, RmspropOptions options, RmspropDenominator denominator) : IOptimizer
{
    readonly double[][] _square = [.. parameters.Select(p => new double[p.Value.Data.Length])];
    readonly double[][] _mean = [.. parameters.Select(p => new double[p.Value.Data.Length])];

    public double Lr { get; set; } = options.Lr;

    public IReadOnlyList<HostTensor> State() => [.. ElementState.Of(parameters, "square_avg", _square), .. options.Centered ? ElementState.Of(parameters, "grad_avg", _mean) : []];

    public void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        // The step count is read for nothing: RMSprop, as PyTorch's, steps the same way at every t.
        reader.Steps(parameters);
        ElementState.Load(reader, parameters, "square_avg", _square);
        if (options.Centered)
            ElementState.Load(reader, parameters, "grad_avg", _mean);
        reader.Finish();
    }

    public void Step()
    {
        for (var k = 0; k < parameters.Count; k++)
            for (var i = 0; i < _square[k].Length; i++)
            {
                var g = parameters[k].Grad.Data[i];
                _square[k][i] = options.Alpha * _square[k][i] + (1 - options.Alpha) * g * g;
                _mean[k][i] = options.Centered ? options.Alpha * _mean[k][i] + (1 - options.Alpha) * g : 0;
                parameters[k].Value.Data[i] -= Lr * g / denominator(_square[k][i], _mean[k][i]);
            }
    }
}
