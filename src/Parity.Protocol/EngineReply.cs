using System.Text.Json;

namespace Parity.Protocol;

/// <summary>An engine's answer to one request: its <c>result</c> object and the tensors it sent, by name.</summary>
public sealed record EngineReply(string Request, JsonElement Result, IReadOnlyDictionary<string, SafetensorsTensor> Tensors);
