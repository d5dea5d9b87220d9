using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parity.Protocol;

/// <summary>
/// Requests and responses of protocol version 1 over an <see cref="EngineProcess"/>: numbers each
/// request, writes it as one JSON line (<c>id</c>, <c>method</c>, <c>params</c>, <c>tensors</c> as
/// base64 safetensors), and checks the line that comes back — JSON, the same id, a result or an error
/// with a known code, tensors that decode. A response line may be as long as the tensors it should
/// carry need (<see cref="LineLimit"/>), or <paramref name="maxLineBytes"/> when given.
/// </summary>
public sealed class ProtocolChannel(EngineProcess process, long? maxLineBytes = null)
{
    public const string NotImplemented = "not-implemented", Failed = "failed";

    long _lastId;
    string _declined = "";

    /// <summary>One request that the engine must answer with a result, its tensors <paramref name="replyBytes"/> bytes of data at most.</summary>
    public EngineReply Call(string method, JsonObject? parameters = null, IReadOnlyList<SafetensorsTensor>? tensors = null, long replyBytes = 0) =>
        TryCall(method, parameters, tensors, replyBytes) ?? throw process.Fault(Last(method),
            $"the engine answered {NotImplemented} ({EngineProcess.Quote(_declined)}), and Parity needs '{method}' (see Parity's docs/protocol.md)");

    /// <summary>One request the engine may decline: null when it answers <c>not-implemented</c>.</summary>
    public EngineReply? TryCall(string method, JsonObject? parameters = null, IReadOnlyList<SafetensorsTensor>? tensors = null, long replyBytes = 0)
    {
        var id = ++_lastId;
        var request = Last(method);
        var limit = maxLineBytes is { } bytes ? new LineLimit(bytes, Given: true) : LineLimit.ForTensors(replyBytes);
        var line = process.Exchange(Serialize(id, method, parameters, tensors), request, limit);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            throw NotAResponse(request, line);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var idElement)
                || idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt64(out var answeredId))
                throw NotAResponse(request, line);
            if (answeredId != id)
                throw process.Fault(request, $"the response has id {answeredId}; each response must carry its request's id, one response per request, in order");
            if (root.TryGetProperty("error", out var error))
                return Error(request, error);
            if (!root.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Object)
                throw process.Fault(request, $"the response has neither a \"result\" object nor an \"error\": {EngineProcess.Quote(line)}");
            return new EngineReply(request, result.Clone(), Tensors(request, root));
        }
    }

    /// <summary>Asks the engine to exit, without waiting for its answer: the process is stopped next either way.</summary>
    public void Shutdown() => process.Send(Serialize(++_lastId, "shutdown", null, null));

    string Last(string method) => $"'{method}' (id {_lastId})";

    ProtocolException NotAResponse(string request, string line) => process.Fault(request,
        $"its standard output has a line that is not a protocol response: {EngineProcess.Quote(line)}; "
        + (line.Contains("NaN") || line.Contains("Infinity")
            // Python's json.dumps writes them so by default.
            ? "JSON has no NaN or Infinity: write them as the strings \"NaN\", \"Infinity\", \"-Infinity\""
            : "an engine prints responses alone on stdout, anything else on stderr"));

    EngineReply? Error(string request, JsonElement error)
    {
        var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        return code switch
        {
            NotImplemented => Declined(message),
            Failed => throw process.Fault(request, $"the engine failed: {EngineProcess.Quote(message)}", ProtocolException.EngineFailed),
            _ => throw process.Fault(request, $"the error {EngineProcess.Quote(error.GetRawText())} has no code {NotImplemented} or {Failed}"),
        };
    }

    EngineReply? Declined(string message)
    {
        _declined = message;
        return null;
    }

    IReadOnlyDictionary<string, SafetensorsTensor> Tensors(string request, JsonElement root)
    {
        if (!root.TryGetProperty("tensors", out var tensors))
            return new Dictionary<string, SafetensorsTensor>();
        if (tensors.ValueKind != JsonValueKind.String || !tensors.TryGetBytesFromBase64(out var blob))
            throw process.Fault(request, "its \"tensors\" is not a base64 string");
        try
        {
            return SafetensorsCodec.Decode(blob).ToDictionary(t => t.Name);
        }
        catch (InvalidDataException e)
        {
            throw process.Fault(request, $"its tensors are not valid safetensors: {e.Message}");
        }
    }

    static string Serialize(long id, string method, JsonObject? parameters, IReadOnlyList<SafetensorsTensor>? tensors)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("method", method);
            if (parameters is not null)
            {
                json.WritePropertyName("params");
                parameters.WriteTo(json);
            }
            if (tensors is not null)
                json.WriteBase64String("tensors", SafetensorsCodec.Encode(tensors));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
