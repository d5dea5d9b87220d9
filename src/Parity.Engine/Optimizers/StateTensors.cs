using System.Numerics;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>An optimizer's state as the contract names it (<see cref="IOptimizerState"/>): copies, never during a step.</summary>
static class StateTensors
{
    public static HostTensor Of<T>(Parameter<T> parameter, string key, Matrix<T> buffer) where T : unmanaged, IFloatingPointIeee754<T> =>
        new($"{parameter.Name}.{key}", parameter.Shape, buffer.ToDoubles());

    public static HostTensor Step<T>(Parameter<T> parameter, int steps) where T : unmanaged, IFloatingPointIeee754<T> =>
        new($"{parameter.Name}.step", [], [steps]);
}
