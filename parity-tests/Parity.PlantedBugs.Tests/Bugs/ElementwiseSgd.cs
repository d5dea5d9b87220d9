using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>One parameter element's update: its new value from the value, the gradient, the learning rate and the element's optimizer state (zero at first).</summary>
delegate double ElementUpdate(double p, double g, double lr, ref double state);

/// <summary>An SGD loop over every parameter element with one state value each (a momentum buffer or a velocity): each planted momentum bug is one update rule.</summary>
sealed class ElementwiseSgd(IReadOnlyList<Parameter<double>> parameters, double lr, ElementUpdate update) : IOptimizer
{
    readonly double[][] _states = parameters.Select(p => new double[p.Value.Data.Length]).ToArray();

    public double Lr { get; set; } = lr;

    public void Step()
    {
        for (var k = 0; k < parameters.Count; k++)
        {
            var (p, g) = (parameters[k].Value.Data, parameters[k].Grad.Data);
            for (var i = 0; i < p.Length; i++)
                p[i] = update(p[i], g[i], Lr, ref _states[k][i]);
        }
    }
}
