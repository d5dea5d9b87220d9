using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>A spec as the contract's <see cref="ModelDescription"/>: what an engine is built from, in PyTorch's names.</summary>
public static class ModelDescriptions
{
    public static ModelDescription Describe(ParitySpec spec)
    {
        var layers = new List<LayerDescription>();
        var parameters = new List<ParameterDescription>();
        var width = spec.Shape.Features;
        foreach (var layer in spec.Model)
        {
            var (kind, options, outWidth) = layer switch
            {
                LinearLayer linear => ("linear", new JsonObject { ["in_features"] = linear.In, ["out_features"] = linear.Out, ["bias"] = linear.Bias }, linear.Out),
                ActivationLayer activation => (activation.Keyword, activation.Op.Describe(activation.Settings), width),
                _ => throw new ArgumentOutOfRangeException(nameof(spec), layer, "a layer with no description"),
            };
            layers.Add(new LayerDescription(layer.Index, kind, options, [width], [outWidth]));
            if (layer is LinearLayer parameterised)
            {
                parameters.Add(new ParameterDescription(parameterised.WeightName, [parameterised.Out, parameterised.In], layer.Index));
                if (parameterised.Bias)
                    parameters.Add(new ParameterDescription(parameterised.BiasName, [parameterised.Out], layer.Index));
            }
            width = outWidth;
        }
        var sgd = spec.Optimizer;
        return new ModelDescription(
            spec.Name,
            spec.DType == DType.Float32 ? "float32" : "float64",
            [spec.Shape.Features],
            layers,
            parameters,
            new Described(spec.Loss.Op.Keyword, new JsonObject { ["reduction"] = spec.Loss.Reduction == Reduction.Sum ? "sum" : "mean" }),
            new Described("sgd", new JsonObject { ["lr"] = sgd.Lr, ["momentum"] = sgd.Momentum, ["dampening"] = sgd.Dampening, ["weight_decay"] = sgd.WeightDecay, ["nesterov"] = sgd.Nesterov }),
            spec.Schedule switch
            {
                { Kind: ScheduleKind.Exponential } exponential => new Described("exponential", new JsonObject { ["gamma"] = exponential.Gamma }),
                { Kind: ScheduleKind.Step } step => new Described("step", new JsonObject { ["step_size"] = step.StepSize, ["gamma"] = step.Gamma }),
                _ => null,
            },
            spec.Clip switch
            {
                { Kind: ClipKind.Norm } norm => new Described("norm", new JsonObject { ["max_norm"] = norm.Threshold }),
                { Kind: ClipKind.Value } value => new Described("value", new JsonObject { ["clip_value"] = value.Threshold }),
                _ => null,
            },
            spec.Seed);
    }
}
