using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>RMSprop dividing by √(s + eps), as some write it (and as Keras once did), instead of PyTorch's √s + eps.</summary>
sealed class RmspropEpsInsideRoot(IReadOnlyList<Parameter<double>> parameters, RmspropOptions options) : IOptimizer
{
    readonly double[][] _square = [.. parameters.Select(p => new double[p.Value.Data.Length])];

    public double Lr { get; set; } = options.Lr;

    public IReadOnlyList<HostTensor> State() => [.. ElementState.Of(parameters, "square_avg", _square)];

    public void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        // The step count is read for nothing: this RMSprop, as PyTorch's, steps the same way at every t.
        reader.Steps(parameters);
        ElementState.Load(reader, parameters, "square_avg", _square);
        reader.Finish();
    }

    public void Step()
    {
        for (var k = 0; k < parameters.Count; k++)
            for (var i = 0; i < _square[k].Length; i++)
            {
                var g = parameters[k].Grad.Data[i];
                _square[k][i] = options.Alpha * _square[k][i] + (1 - options.Alpha) * g * g;
                parameters[k].Value.Data[i] -= Lr * g / Math.Sqrt(_square[k][i] + options.Eps);
            }
    }
}
