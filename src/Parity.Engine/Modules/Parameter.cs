using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>A trainable tensor and its gradient, named as in PyTorch's state_dict; biases are [1, out] matrices with shape [out].</summary>
public sealed class Parameter<T>(string name, int[] shape, Matrix<T> value) where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Name { get; } = name;
    public int[] Shape { get; } = shape;
    public Matrix<T> Value { get; private set; } = value;

    /// <summary>Accumulated by backward (as .grad in PyTorch) until <see cref="ZeroGrad"/>.</summary>
    public Matrix<T> Grad { get; } = new(value.Rows, value.Cols);

    public void ZeroGrad() => Array.Clear(Grad.Data);

    /// <summary>Makes this parameter use <paramref name="source"/>'s values, the same matrix (a replica of a model for part of a batch); its gradient stays its own.</summary>
    internal void ShareValue(Parameter<T> source)
    {
        if (!source.Shape.SequenceEqual(Shape))
            throw new ArgumentException($"parameter {Name} is [{string.Join(", ", Shape)}], {source.Name} is [{string.Join(", ", source.Shape)}]");
        Value = source.Value;
    }
}
