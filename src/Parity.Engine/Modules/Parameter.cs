using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>A trainable tensor and its gradient, named as in PyTorch's state_dict; biases are [1, out] matrices with shape [out].</summary>
public sealed class Parameter<T>(string name, int[] shape, Matrix<T> value) where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Name { get; } = name;
    public int[] Shape { get; } = shape;
    public Matrix<T> Value { get; } = value;

    /// <summary>Accumulated by backward (as .grad in PyTorch) until <see cref="ZeroGrad"/>.</summary>
    public Matrix<T> Grad { get; } = new(value.Rows, value.Cols);

    public void ZeroGrad() => Array.Clear(Grad.Data);
}
