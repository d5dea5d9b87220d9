namespace Parity.Torch;

/// <summary>The dtypes the binding exchanges, numbered as c10::ScalarType (and TorchSharp's torch.ScalarType).</summary>
public enum ScalarType
{
    Int64 = 4,
    Float32 = 6,
    Float64 = 7,
}
