using System.Buffers.Binary;
using System.Text;

namespace Parity.Protocol.Tests;

public class SafetensorsCodecTests
{
    [Fact]
    public void Tensors_round_trip_in_every_dtype_in_order()
    {
        SafetensorsTensor[] tensors =
        [
            SafetensorsTensor.Float("0.weight", [2, 3], [1, -2.5, 3e-300, double.MaxValue, -0.0, 1.0 / 3], float32: false),
            SafetensorsTensor.Float("x", [3], [0.1f, -7, 16_777_217], float32: true),
            SafetensorsTensor.Int64("classes", [4], [0, 9, -1, long.MaxValue]),
            SafetensorsTensor.Float("empty", [0, 5], [], float32: false),
        ];

        var decoded = SafetensorsCodec.Decode(SafetensorsCodec.Encode(tensors, new Dictionary<string, string> { ["spec"] = "xor" }));

        Assert.Equal(tensors.Select(t => t.Name), decoded.Select(t => t.Name));
        Assert.Equal(tensors.Select(t => t.DType), decoded.Select(t => t.DType));
        Assert.Equal(tensors.Select(t => t.ShapeText), decoded.Select(t => t.ShapeText));
        Assert.Equal(tensors[0].Floats, decoded[0].Floats);
        // float32 keeps what float32 holds: 16,777,217 is not one of them.
        Assert.Equal([(double)0.1f, -7, 16_777_216], decoded[1].Floats!);
        Assert.Equal(tensors[2].Integers, decoded[2].Integers);
        Assert.Empty(decoded[3].Floats!);
    }

    /// <summary>A sequence's targets once went out as [rows] holding rows·T values: a file no reader takes.</summary>
    [Fact]
    public void A_shape_that_does_not_hold_the_values_is_refused_when_writing()
    {
        var error = Assert.Throws<ArgumentException>(() => SafetensorsCodec.Encode([SafetensorsTensor.Int64("y", [2], [1, 2, 3, 4, 5, 6])]));
        Assert.Contains("tensor 'y' has 6 values, which its shape [2] does not hold", error.Message);
    }

    [Fact]
    public void The_data_starts_8_byte_aligned_after_a_header_padded_with_spaces()
    {
        var blob = SafetensorsCodec.Encode([SafetensorsTensor.Float("a", [1], [1], float32: false)]);

        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(blob);
        Assert.Equal(0, length % 8);
        Assert.Equal("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", Encoding.UTF8.GetString(blob, 8, length).TrimEnd(' '));
        Assert.Equal(1.0, BinaryPrimitives.ReadDoubleLittleEndian(blob.AsSpan(8 + length)));
    }

    [Theory]
    [InlineData("short", "5 bytes are too few for safetensors, which start with an 8-byte header length")]
    [InlineData("header length past the end", "the safetensors header length says 1000 bytes, but only 10 follow")]
    [InlineData("header not JSON", "the safetensors header is not JSON")]
    [InlineData("header an array", "the safetensors header is a JSON array, not an object of tensors")]
    [InlineData("unknown dtype", "tensor 'w' has dtype 'BF16'; Parity reads F64, F32 and I64")]
    [InlineData("negative shape", "tensor 'w' has shape [-1]; a shape is a list of whole numbers from 0")]
    [InlineData("offsets past the data", "tensor 'w' has data_offsets [0,16]; they must be [begin, end] with begin ≤ end ≤ 8, the data's length")]
    [InlineData("offsets not matching the shape", "tensor 'w': shape [2] of F64 takes 16 bytes, but its data_offsets span 8")]
    [InlineData("entry without dtype", "tensor 'w': the header entry needs \"dtype\" (a string), \"shape\" and \"data_offsets\" (arrays); got {\"shape\":[1],\"data_offsets\":[0,8]}")]
    public void A_corrupt_blob_is_rejected_with_what_is_wrong(string corruption, string message)
    {
        var blob = corruption switch
        {
            "short" => new byte[5],
            "header length past the end" => Blob("{}", 8, headerLength: 1000),
            "header not JSON" => Blob("{\"w\": ", 8),
            "header an array" => Blob("[1, 2]", 8),
            "unknown dtype" => Blob("{\"w\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8),
            "negative shape" => Blob("{\"w\":{\"dtype\":\"F64\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8),
            "offsets past the data" => Blob("{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8),
            "offsets not matching the shape" => Blob("{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
            _ => Blob("{\"w\":{\"shape\":[1],\"data_offsets\":[0,8]}}", 8),
        };

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsCodec.Decode(blob));

        Assert.StartsWith(message, error.Message);
    }

    static byte[] Blob(string header, int dataBytes, int? headerLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var blob = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(blob, (ulong)(headerLength ?? json.Length));
        json.CopyTo(blob, 8);
        return blob;
    }
}
