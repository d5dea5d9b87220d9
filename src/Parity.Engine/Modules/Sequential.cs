using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>Modules applied in order; backward visits them in reverse.</summary>
public sealed class Sequential<T>(IReadOnlyList<Module<T>> modules) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // An array, not the list: a foreach over an IReadOnlyList allocates its enumerator on every step.
    readonly Module<T>[] _modules = [.. modules];

    public IReadOnlyList<Module<T>> Modules => _modules;

    public override IReadOnlyList<Parameter<T>> Parameters { get; } = modules.SelectMany(m => m.Parameters).ToArray();

    public override IReadOnlyList<Parameter<T>> Buffers { get; } = modules.SelectMany(m => m.Buffers).ToArray();

    public override IEnumerable<Parameter<T>> StateDict { get; } = modules.SelectMany(m => m.StateDict).ToArray();

    public override bool CouplesRows { get; } = modules.Any(m => m.CouplesRows);

    public override Matrix<T> Forward(Matrix<T> input)
    {
        foreach (var module in _modules)
            input = module.Forward(input);
        return input;
    }

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows)
    {
        foreach (var module in _modules)
            module.Prepare(mode, batch, start, rows);
    }

    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        for (var i = _modules.Length - 1; i >= 0; i--)
            gradOutput = _modules[i].Backward(gradOutput);
        return gradOutput;
    }

    // Backward stops at the first module with parameters: nothing before it has a gradient to take
    // (the unflatten ahead of a first conv2d), as autograd stops where nothing requires grad.
    readonly int _firstTrained = Math.Max(0, Array.FindIndex([.. modules], m => m.Parameters.Count > 0));

    public override void BackwardToParameters(Matrix<T> gradOutput)
    {
        for (var i = _modules.Length - 1; i > _firstTrained; i--)
            gradOutput = _modules[i].Backward(gradOutput);
        _modules[_firstTrained].BackwardToParameters(gradOutput);
    }
}
