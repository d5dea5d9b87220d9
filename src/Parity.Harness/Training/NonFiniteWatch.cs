using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>
/// The first step after which a backend's loss or one of its parameters is NaN or infinite: the first
/// such parameter in state_dict order (null when only a loss is), its layer, and the backends it
/// happened in.
/// </summary>
public sealed record NonFinite(int Step, int Epoch, string? Parameter, string? Layer, IReadOnlyList<string> Backends)
{
    public string Where => $"diverged to NaN/Inf at step {Step} (epoch {Epoch}) in {(Parameter is null ? "the loss" : $"parameter {Parameter}, {Layer}")}";
}

/// <summary>Watches a training step by step for its first NaN/Inf, in any of the backends trained side by side.</summary>
public sealed class NonFiniteWatch(ParitySpec spec)
{
    public NonFinite? First { get; private set; }

    /// <summary>One step's loss and parameters per backend; true at the first step that holds a NaN/Inf.</summary>
    public bool Observe(int step, int epoch, IReadOnlyList<string> backends, double[] losses, IReadOnlyList<IReadOnlyList<HostTensor>> parameters)
    {
        if (First is not null)
            return false;
        var firstTensor = int.MaxValue;
        var where = new List<string>();
        for (var b = 0; b < backends.Count; b++)
        {
            var tensor = parameters[b].ToList().FindIndex(t => !AllFinite(t.Data));
            if (tensor >= 0)
                firstTensor = Math.Min(firstTensor, tensor);
            if (tensor >= 0 || !double.IsFinite(losses[b]))
                where.Add(backends[b]);
        }
        if (where.Count == 0)
            return false;
        var parameter = firstTensor == int.MaxValue ? null : parameters[0][firstTensor].Name;
        First = new NonFinite(step, epoch, parameter, parameter is null ? null : LayerOf(spec, parameter), where);
        return true;
    }

    /// <summary>"layer 2 (linear)" for parameter "2.weight", "layer 2.1 (causal-self-attention)" for "2.1.c_attn.weight".</summary>
    public static string LayerOf(ParitySpec spec, string parameter)
    {
        var layer = spec.Model[LayerShapes.Owner(spec, parameter)];
        return $"layer {layer.Path} ({(layer is OpLayer op ? op.Keyword : "linear")})";
    }

    static bool AllFinite(double[] values)
    {
        foreach (var value in values)
            if (!double.IsFinite(value))
                return false;
        return true;
    }
}
