using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>
/// Writes the safetensors format (an 8-byte little-endian header length, a JSON header of dtype,
/// shape and byte offsets per tensor, then the raw little-endian data), so that PyTorch,
/// safetensors or numpy can read what Parity computed.
/// </summary>
public static class Safetensors
{
    /// <summary>A tensor to store: float values in the given dtype, or int64 values.</summary>
    public sealed record Entry(string Name, int[] Shape, double[]? Floats, DType DType = DType.Float64, long[]? Integers = null);

    public static byte[] Encode(IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>();
        if (metadata is not null)
            header["__metadata__"] = metadata;
        using var data = new MemoryStream();
        foreach (var entry in entries)
        {
            var start = data.Length;
            if (entry.Integers is not null)
                foreach (var value in entry.Integers)
                    Write(data, value);
            else if (entry.DType == DType.Float32)
                foreach (var value in entry.Floats!)
                    Write(data, BitConverter.SingleToInt32Bits((float)value));
            else
                foreach (var value in entry.Floats!)
                    Write(data, BitConverter.DoubleToInt64Bits(value));
            header[entry.Name] = new Dictionary<string, object>
            {
                ["dtype"] = entry.Integers is not null ? "I64" : entry.DType == DType.Float32 ? "F32" : "F64",
                ["shape"] = entry.Shape,
                ["data_offsets"] = new[] { start, data.Length },
            };
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        // Pad the header with spaces so the data starts 8-byte aligned, as the format recommends.
        var padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.ToArray().CopyTo(file, 8 + padded);
        return file;
    }

    static void Write(Stream stream, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    static void Write(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}
