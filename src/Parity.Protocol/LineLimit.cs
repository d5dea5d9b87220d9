using System.Globalization;

namespace Parity.Protocol;

/// <summary>
/// The longest line Parity reads from an engine's stdout as one response: what the response's tensors
/// take in base64 and <see cref="Margin"/> besides — the most a right answer can need — or, when
/// <see cref="Given"/>, the one limit <c>--engine-max-line</c> sets for every response.
/// </summary>
public readonly record struct LineLimit(long Bytes, bool Given)
{
    /// <summary>Room for the JSON around the tensors and their safetensors header: hundreds of tensors' names and shapes, or thousands of timings.</summary>
    public const long Margin = 1 << 20;

    /// <summary>The limit for a response carrying <paramref name="tensorBytes"/> bytes of tensor data.</summary>
    public static LineLimit ForTensors(long tensorBytes) => new(Margin + (tensorBytes + 2) / 3 * 4, Given: false);

    public override string ToString() => Given
        ? $"{Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (--engine-max-line)"
        : $"{Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, more than a right response to this request can need (its tensors in base64, and 1 MiB besides; --engine-max-line BYTES sets another limit)";
}
