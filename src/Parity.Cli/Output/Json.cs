using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parity.Cli.Output;

/// <summary>The JSON conventions of every machine-readable output: snake_case names, indented, nulls kept.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    static readonly JsonSerializerOptions OneLineOptions = new(Options) { WriteIndented = false };

    /// <summary>The same conventions on one line, for a reply in a line-by-line exchange between processes.</summary>
    public static string SerializeLine<T>(T value) => JsonSerializer.Serialize(value, OneLineOptions);
}
