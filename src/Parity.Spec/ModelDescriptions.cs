using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>A spec as the contract's <see cref="ModelDescription"/>: what an engine is built from, in PyTorch's names.</summary>
public static class ModelDescriptions
{
    public static ModelDescription Describe(ParitySpec spec)
    {
        var layers = new List<LayerDescription>();
        var parameters = new List<ParameterDescription>();
        foreach (var (layer, (input, output)) in spec.Model.Zip(LayerShapes.Of(spec)))
        {
            var (kind, options) = layer switch
            {
                LinearLayer linear => ("linear", new JsonObject { ["in_features"] = linear.In, ["out_features"] = linear.Out, ["bias"] = linear.Bias }),
                OpLayer op => (op.Keyword, op.Op.Describe(op.Settings, input)),
                ResidualLayer => (ResidualLayer.Keyword, new JsonObject()),
                _ => throw new ArgumentOutOfRangeException(nameof(spec), layer, "a layer with no description"),
            };
            layers.Add(new LayerDescription(layer.Index, kind, options, input, output) { Path = layer.Path, Span = (layer as ResidualLayer)?.Span ?? 0 });
            parameters.AddRange(LayerShapes.Owned(layer, input).Select(owned => new ParameterDescription(layer.Prefix + owned.Name, owned.Shape, layer.Index, owned.Buffer)));
        }
        return new ModelDescription(
            spec.Name,
            spec.DType == DType.Float32 ? "float32" : "float64",
            [spec.Shape.Features],
            layers,
            parameters,
            Loss(spec.Loss),
            spec.Optimizer.Describe(),
            spec.Schedule is { } schedule ? Schedule(schedule) : null,
            spec.Clip is { } clip ? new Described(clip.Op.Keyword, new JsonObject { [clip.Op.Option] = clip.Threshold }) : null,
            spec.Seed)
        {
            InputDType = spec.Shape.IsSequence ? "int64" : "float",
        };
    }
    /// <summary>The loss's kind, its reduction and its own options (smooth-l1's beta, huber's delta).</summary>
    static Described Loss(LossSpec loss)
    {
        var options = loss.Settings.ToJson();
        options["reduction"] = loss.Reduction == Reduction.Sum ? "sum" : "mean";
        return new Described(loss.Op.Keyword, options);
    }

    /// <summary>
    /// The schedule as PyTorch builds it: the scheduler alone, or with a warm-up
    /// <c>sequential {schedulers: [linear {start_factor, end_factor, total_iters}, then], milestones: [epochs]}</c>,
    /// each of <c>schedulers</c> a kind and its options in one object.
    /// </summary>
    static Described Schedule(ScheduleSpec schedule)
    {
        JsonObject? then = schedule.Kind switch
        {
            ScheduleKind.Exponential => new JsonObject { ["kind"] = "exponential", ["gamma"] = schedule.Gamma },
            ScheduleKind.Step => new JsonObject { ["kind"] = "step", ["step_size"] = schedule.StepSize, ["gamma"] = schedule.Gamma },
            ScheduleKind.Cosine => new JsonObject { ["kind"] = "cosine", ["T_max"] = schedule.TMax, ["eta_min"] = schedule.EtaMin },
            _ => null,
        };
        var linear = schedule.Warmup is { } warmup
            ? new JsonObject { ["kind"] = "linear", ["start_factor"] = warmup.StartFactor, ["end_factor"] = 1.0, ["total_iters"] = warmup.Epochs }
            : null;
        var schedulers = new JsonArray([.. new[] { linear, then }.OfType<JsonObject>()]);
        var milestones = linear is not null && then is not null ? new JsonArray(schedule.Warmup!.Epochs) : [];
        var sequential = new Described("sequential", new JsonObject { ["schedulers"] = schedulers, ["milestones"] = milestones });
        return schedulers.Count == 1 ? sequential.Parts("schedulers")[0] : sequential;
    }
}
