namespace Parity.Protocol;

/// <summary>
/// One tensor of a safetensors file, row-major: floating values (F64 or F32, held as float64, which
/// holds a float32 exactly) in <see cref="Floats"/>, or int64 values in <see cref="Integers"/>.
/// </summary>
public sealed record SafetensorsTensor(string Name, SafetensorsDType DType, int[] Shape, double[]? Floats, long[]? Integers)
{
    public static SafetensorsTensor Float(string name, int[] shape, double[] values, bool float32) =>
        new(name, float32 ? SafetensorsDType.F32 : SafetensorsDType.F64, shape, values, null);

    public static SafetensorsTensor Int64(string name, int[] shape, long[] values) => new(name, SafetensorsDType.I64, shape, null, values);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
