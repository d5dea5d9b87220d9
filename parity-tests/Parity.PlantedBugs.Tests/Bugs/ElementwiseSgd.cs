using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>One parameter element's update: its new value from the value, the gradient, the learning rate and the element's optimizer state (zero at first).</summary>
delegate double ElementUpdate(double p, double g, double lr, ref double state);

/// <summary>
/// An SGD loop over every parameter element with one state value each (a momentum buffer or a velocity): each
/// planted momentum bug is one update rule. The state is exposed as the momentum_buffer it stands for, from
/// the first step on, as PyTorch's is.
/// </summary>
sealed class ElementwiseSgd(IReadOnlyList<Parameter<double>> parameters, double lr, ElementUpdate update) : IOptimizer
{
    readonly double[][] _states = parameters.Select(p => new double[p.Value.Data.Length]).ToArray();
    bool _stepped;

    public double Lr { get; set; } = lr;

    public IReadOnlyList<HostTensor> State() => _stepped ? [.. ElementState.Of(parameters, "momentum_buffer", _states)] : [];

    public void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        _stepped = ElementState.Load(reader, parameters, "momentum_buffer", _states);
        reader.Finish();
    }

    public void Step()
    {
        for (var k = 0; k < parameters.Count; k++)
        {
            var (p, g) = (parameters[k].Value.Data, parameters[k].Grad.Data);
            for (var i = 0; i < p.Length; i++)
                p[i] = update(p[i], g[i], Lr, ref _states[k][i]);
        }
        _stepped = true;
    }
}
