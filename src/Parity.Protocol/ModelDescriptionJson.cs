using System.Text.Json.Nodes;

namespace Parity.Protocol;

/// <summary>
/// A <see cref="ModelDescription"/> as the <c>build</c> request sends it: snake_case keys, each layer,
/// loss, optimizer, schedule and clipping as <c>{"kind", "options"}</c> with PyTorch's argument names.
/// The layers are the flat post-order list of <see cref="ModelDescription.Layers"/>: each carries its
/// module <c>path</c> (what its parameters' and masks' names start with) and, for a residual block, the
/// <c>span</c> of entries before it that it wraps; <c>input_dtype</c> says whether <c>x</c> is features or token ids.
/// </summary>
public static class ModelDescriptionJson
{
    public static JsonObject Of(ModelDescription model) => new()
    {
        ["name"] = model.Name,
        ["dtype"] = model.DType,
        ["input_shape"] = Shape(model.InputShape),
        ["input_dtype"] = model.InputDType,
        ["layers"] = new JsonArray(model.Layers.Select(layer => (JsonNode)new JsonObject
        {
            ["index"] = layer.Index,
            ["path"] = layer.Path,
            ["span"] = layer.Span,
            ["kind"] = layer.Kind,
            ["options"] = layer.Options.DeepClone(),
            ["input_shape"] = Shape(layer.InputShape),
            ["output_shape"] = Shape(layer.OutputShape),
        }).ToArray()),
        ["parameters"] = new JsonArray(model.Parameters.Select(Parameter).ToArray()),
        ["loss"] = Part(model.Loss),
        ["optimizer"] = Part(model.Optimizer),
        ["schedule"] = model.Schedule is null ? null : Part(model.Schedule),
        ["clip"] = model.Clip is null ? null : Part(model.Clip),
        ["seed"] = model.Seed,
    };

    /// <summary>A parameter, or a buffer marked <c>"buffer": true</c> (batch norm's running statistics; a model without buffers reads as before).</summary>
    static JsonNode Parameter(ParameterDescription parameter)
    {
        var json = new JsonObject { ["name"] = parameter.Name, ["shape"] = Shape(parameter.Shape), ["layer"] = parameter.Layer };
        if (parameter.Buffer)
            json["buffer"] = true;
        return json;
    }

    // Options are copied: a JSON node belongs to one parent, and the description keeps its own.
    static JsonObject Part(Described part) => new() { ["kind"] = part.Kind, ["options"] = part.Options.DeepClone() };

    static JsonArray Shape(int[] shape) => new(shape.Select(n => (JsonNode)n).ToArray());
}
