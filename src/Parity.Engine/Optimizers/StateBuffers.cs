using System.Numerics;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>An optimizer's per-parameter buffers, made once at construction so that a step allocates nothing; empty where the options need none.</summary>
static class StateBuffers
{
    public static Matrix<T>[] For<T>(IReadOnlyList<Parameter<T>> parameters, bool needed, double initial = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var buffers = parameters.Select(p => new Matrix<T>(needed ? p.Value.Rows : 0, p.Value.Cols)).ToArray();
        foreach (var buffer in buffers)
            Array.Fill(buffer.Data, T.CreateChecked(initial));
        return buffers;
    }
}
