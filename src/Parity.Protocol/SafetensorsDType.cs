namespace Parity.Protocol;

/// <summary>The element types Parity reads and writes in safetensors, under the format's own names.</summary>
public enum SafetensorsDType
{
    F64,
    F32,
    I64,
}
