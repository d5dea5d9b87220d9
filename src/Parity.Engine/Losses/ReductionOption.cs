namespace Parity.Engine.Losses;

/// <summary>A loss description's <c>reduction</c> option as the engine's <see cref="Reduction"/>.</summary>
public static class ReductionOption
{
    /// <summary><c>mean</c> (PyTorch's default, also when the option is left out) or <c>sum</c>.</summary>
    public static Reduction Of(Described loss) => loss.Word("reduction", "mean") switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        var other => throw new ArgumentException($"{loss.Kind}: reduction '{other}' is neither mean nor sum"),
    };
}
