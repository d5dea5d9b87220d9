using System.Text.Json.Nodes;

namespace Parity.Conformance;

/// <summary>
/// Ready-made cases, in float64 and float32, that between them use every option the checks look at:
/// momentum, Nesterov, dampening and weight decay, both schedules, both clippings, the mean and the
/// sum reductions — on the layers and losses any engine is expected to have (linear, ReLU, tanh,
/// sigmoid; MSE, BCE, cross-entropy). Each optimizer carries every option, as Parity's model descriptions do. Learning rates are large enough that a step is far from rounding.
/// </summary>
public static class ConformanceCases
{
    public static IReadOnlyList<ConformanceCase> Standard { get; } =
    [
        .. new[] { "float64", "float32" }.SelectMany(dtype => new[]
        {
            ConformanceCase.Generate($"tanh-sigmoid-bce-{dtype}", Mlp($"tanh-sigmoid-bce-{dtype}", dtype, 3, [("linear", 5), ("tanh", 5), ("linear", 1), ("sigmoid", 1)],
                Part("bce", ("reduction", "mean")),
                Part("sgd", ("lr", 0.5), ("momentum", 0.9), ("dampening", 0.0), ("weight_decay", 0.0), ("nesterov", false)),
                Part("exponential", ("gamma", 0.5)),
                null)),
            ConformanceCase.Generate($"relu-cross-entropy-{dtype}", Mlp($"relu-cross-entropy-{dtype}", dtype, 4, [("linear", 6), ("relu", 6), ("linear", 3)],
                Part("cross-entropy", ("reduction", "mean")),
                Part("sgd", ("lr", 0.5), ("momentum", 0.9), ("dampening", 0.0), ("weight_decay", 0.01), ("nesterov", true)),
                Part("step", ("step_size", 1), ("gamma", 0.1)),
                Part("norm", ("max_norm", 0.5)))),
            ConformanceCase.Generate($"sigmoid-mse-sum-{dtype}", Mlp($"sigmoid-mse-sum-{dtype}", dtype, 3, [("linear", 4), ("sigmoid", 4), ("linear", 2)],
                Part("mse", ("reduction", "sum")),
                Part("sgd", ("lr", 0.2), ("momentum", 0.5), ("dampening", 0.3), ("weight_decay", 0.0), ("nesterov", false)),
                null,
                Part("value", ("clip_value", 0.05)))),
        }),
    ];

    /// <summary>A Sequential of the given layers (kind, output width) on inputs of <paramref name="inputs"/> features, its parameters named as its state_dict.</summary>
    static ModelDescription Mlp(string name, string dtype, int inputs, (string Kind, int Width)[] layers, Described loss, Described sgd, Described? schedule, Described? clip)
    {
        var described = new List<LayerDescription>();
        var parameters = new List<ParameterDescription>();
        var width = inputs;
        foreach (var ((kind, outWidth), index) in layers.Select((layer, i) => (layer, i)))
        {
            var options = new JsonObject();
            if (kind == "linear")
            {
                options = new JsonObject { ["in_features"] = width, ["out_features"] = outWidth, ["bias"] = true };
                parameters.Add(new ParameterDescription($"{index}.weight", [outWidth, width], index));
                parameters.Add(new ParameterDescription($"{index}.bias", [outWidth], index));
            }
            described.Add(new LayerDescription(index, kind, options, [width], [outWidth]));
            width = outWidth;
        }
        return new ModelDescription(name, dtype, [inputs], described, parameters, loss, sgd, schedule, clip, Seed: 1);
    }

    static Described Part(string kind, params (string Name, JsonNode Value)[] options) =>
        new(kind, new JsonObject(options.Select(o => KeyValuePair.Create(o.Name, (JsonNode?)o.Value))));
}
