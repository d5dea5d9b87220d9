using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>Modules applied in order; backward visits them in reverse.</summary>
public sealed class Sequential<T>(IReadOnlyList<Module<T>> modules) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public IReadOnlyList<Module<T>> Modules { get; } = modules;

    public override IReadOnlyList<Parameter<T>> Parameters { get; } = modules.SelectMany(m => m.Parameters).ToList();

    public override Matrix<T> Forward(Matrix<T> input)
    {
        foreach (var module in Modules)
            input = module.Forward(input);
        return input;
    }

    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        for (var i = Modules.Count - 1; i >= 0; i--)
            gradOutput = Modules[i].Backward(gradOutput);
        return gradOutput;
    }
}
