namespace Parity.Contract;

/// <summary>
/// A named tensor in host memory, row-major, in float64 whatever the engine's dtype (a float32 value
/// converts to float64 exactly, so nothing is lost crossing the contract).
/// </summary>
public sealed record HostTensor(string Name, int[] Shape, double[] Data)
{
    public int Count => Data.Length;

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
