using System.Buffers.Binary;
using System.Text.Json;

namespace Parity.Protocol;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}}</c> (and an optional
/// <c>__metadata__</c> of strings), then the raw little-endian data, offsets counted from its start.
/// PyTorch, safetensors and numpy read what Parity writes; whatever an engine sends is checked
/// before a value is used, so a corrupt blob is one clear message, never a crash.
/// </summary>
public static class SafetensorsCodec
{
    const string MetadataKey = "__metadata__";

    public static byte[] Encode(IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>();
        if (metadata is not null)
            header[MetadataKey] = metadata;
        var offset = 0L;
        foreach (var tensor in tensors)
        {
            // A shape that does not hold the values writes a file no reader takes (safetensors checks each tensor's span against its shape).
            if (tensor.Shape.Aggregate(1L, (n, d) => n * d) != Count(tensor))
                throw new ArgumentException($"tensor '{tensor.Name}' has {Count(tensor)} values, which its shape {tensor.ShapeText} does not hold", nameof(tensors));
            var length = (long)Count(tensor) * Size(tensor.DType);
            header[tensor.Name] = new Dictionary<string, object>
            {
                ["dtype"] = tensor.DType.ToString(),
                ["shape"] = tensor.Shape,
                ["data_offsets"] = new[] { offset, offset + length },
            };
            offset += length;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        // Pad the header with spaces so the data starts 8-byte aligned, as the format recommends.
        var padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        var data = file.AsSpan(8 + padded);
        foreach (var tensor in tensors)
        {
            WriteValues(tensor, data);
            data = data[(Count(tensor) * Size(tensor.DType))..];
        }
        return file;
    }

    /// <summary>The tensors of a safetensors blob, in the header's order; <see cref="InvalidDataException"/> says what is wrong with a corrupt one.</summary>
    public static IReadOnlyList<SafetensorsTensor> Decode(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 8)
            throw new InvalidDataException($"{blob.Length} bytes are too few for safetensors, which start with an 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(blob);
        if (headerLength > (ulong)(blob.Length - 8))
            throw new InvalidDataException($"the safetensors header length says {headerLength} bytes, but only {blob.Length - 8} follow");
        var data = blob[(8 + (int)headerLength)..];
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(blob.Slice(8, (int)headerLength).ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the safetensors header is not JSON: {e.Message}");
        }
        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"the safetensors header is a JSON {header.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object of tensors");
            var tensors = new List<SafetensorsTensor>();
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                    continue;
                if (tensors.Any(t => t.Name == entry.Name))
                    throw new InvalidDataException($"the safetensors header names tensor '{entry.Name}' twice");
                tensors.Add(Tensor(entry.Name, entry.Value, data));
            }
            return tensors;
        }
    }

    static SafetensorsTensor Tensor(string name, JsonElement entry, ReadOnlySpan<byte> data)
    {
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("dtype", out var dtypeText) || dtypeText.ValueKind != JsonValueKind.String
            || !entry.TryGetProperty("shape", out var shapeArray) || shapeArray.ValueKind != JsonValueKind.Array
            || !entry.TryGetProperty("data_offsets", out var offsetArray) || offsetArray.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"tensor '{name}': the header entry needs \"dtype\" (a string), \"shape\" and \"data_offsets\" (arrays); got {entry.GetRawText()}");
        if (!Enum.TryParse<SafetensorsDType>(dtypeText.GetString(), ignoreCase: false, out var dtype) || !Enum.IsDefined(dtype))
            throw new InvalidDataException($"tensor '{name}' has dtype '{dtypeText.GetString()}'; Parity reads F64, F32 and I64");
        var shape = shapeArray.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var n) && n >= 0 ? n : -1).ToArray();
        if (shape.Any(n => n < 0))
            throw new InvalidDataException($"tensor '{name}' has shape {shapeArray.GetRawText()}; a shape is a list of whole numbers from 0");
        var offsets = offsetArray.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out var n) && n >= 0 ? n : -1).ToArray();
        if (offsets is not [var begin, var end] || begin < 0 || end < begin || end > data.Length)
            throw new InvalidDataException($"tensor '{name}' has data_offsets {offsetArray.GetRawText()}; they must be [begin, end] with begin ≤ end ≤ {data.Length}, the data's length");
        var count = shape.Aggregate(1L, (product, n) => product * n);
        if (count * Size(dtype) != end - begin)
            throw new InvalidDataException($"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype} takes {count * Size(dtype)} bytes, but its data_offsets span {end - begin}");
        var bytes = data[(int)begin..(int)end];
        return dtype switch
        {
            SafetensorsDType.F64 => new(name, dtype, shape, ReadFloat64(bytes), null),
            SafetensorsDType.F32 => new(name, dtype, shape, ReadFloat32(bytes), null),
            _ => new(name, dtype, shape, null, ReadInt64(bytes)),
        };
    }

    static int Count(SafetensorsTensor tensor) => (tensor.Floats?.Length ?? tensor.Integers?.Length)
        ?? throw new ArgumentException($"tensor '{tensor.Name}' has no values", nameof(tensor));

    static int Size(SafetensorsDType dtype) => dtype == SafetensorsDType.F32 ? 4 : 8;

    static void WriteValues(SafetensorsTensor tensor, Span<byte> data)
    {
        if (tensor.DType == SafetensorsDType.I64)
            for (var i = 0; i < tensor.Integers!.Length; i++)
                BinaryPrimitives.WriteInt64LittleEndian(data[(8 * i)..], tensor.Integers[i]);
        else if (tensor.DType == SafetensorsDType.F32)
            for (var i = 0; i < tensor.Floats!.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(data[(4 * i)..], (float)tensor.Floats[i]);
        else
            for (var i = 0; i < tensor.Floats!.Length; i++)
                BinaryPrimitives.WriteDoubleLittleEndian(data[(8 * i)..], tensor.Floats[i]);
    }

    static double[] ReadFloat64(ReadOnlySpan<byte> bytes)
    {
        var values = new double[bytes.Length / 8];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
        return values;
    }

    static double[] ReadFloat32(ReadOnlySpan<byte> bytes)
    {
        var values = new double[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        return values;
    }

    static long[] ReadInt64(ReadOnlySpan<byte> bytes)
    {
        var values = new long[bytes.Length / 8];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
        return values;
    }
}
