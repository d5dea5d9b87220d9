using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Log-softmax backward as dx = g: d(x − logΣexp x)/dx taken as 1, the −softmax(x)·Σⱼ gⱼ term of the log-sum-exp dropped.</summary>
static class LogSoftmaxBackwardIdentity
{
    public static Module<double> Create() => new ElementwiseBackward(new LogSoftmax<double>(), (x, y, g) => g);
}
