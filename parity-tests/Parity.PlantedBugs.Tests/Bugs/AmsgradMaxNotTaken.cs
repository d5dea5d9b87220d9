using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// AMSGrad that stores v as v̂ without taking the maximum, v̂ ← v where PyTorch keeps v̂ ← max(v̂, v): it steps as
/// plain Adam, and parts from PyTorch's once v falls below its largest value so far.
/// </summary>
static class AmsgradMaxNotTaken
{
    public static IOptimizer Create(IReadOnlyList<Parameter<double>> parameters, AdamOptions options) =>
        new ElementwiseAdam(parameters, options, (double p, double m, double v, ref double maxV, double lr, int t) =>
        {
            maxV = v;
            return AdamStep.Of(options, p, m, maxV, lr, t);
        });
}
