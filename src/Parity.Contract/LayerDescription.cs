using System.Text.Json.Nodes;

namespace Parity.Contract;

/// <summary>
/// A layer of the model: its index in the model list (the prefix of its parameters' names, as in
/// <c>nn.Sequential</c>), its kind and options, and the shape of one sample going in and coming out
/// (the batch dimension left out): <c>[784]</c> for a flat input, <c>[1, 28, 28]</c> for an image.
/// </summary>
public sealed record LayerDescription(int Index, string Kind, JsonObject Options, int[] InputShape, int[] OutputShape) : Described(Kind, Options);
