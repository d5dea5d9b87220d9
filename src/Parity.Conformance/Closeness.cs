namespace Parity.Conformance;

/// <summary>
/// How the checks compare what a backend computed with what the contract expects of it. Where the
/// same computation is asked for twice, bitwise; where the kit derives the expectation itself (an SGD
/// step from the backend's own gradients), within a few roundings of the model's dtype.
/// </summary>
static class Closeness
{
    /// <summary>A few roundings of the dtype, relative to the values compared (float32: ε ≈ 1.2e-7; float64: ε ≈ 2.2e-16).</summary>
    static (double Atol, double Rtol) Tolerance(ModelDescription model) => model.IsFloat32 ? (1e-6, 1e-5) : (1e-12, 1e-10);

    /// <summary>The first element where <paramref name="actual"/> is not within rounding of <paramref name="expected"/>, said in words; null when all are.</summary>
    public static string? Differs(ModelDescription model, string what, double[] expected, double[] actual)
    {
        if (expected.Length != actual.Length)
            return $"{what} has {actual.Length} values, expected {expected.Length}";
        var (atol, rtol) = Tolerance(model);
        for (var i = 0; i < expected.Length; i++)
            if (!(Math.Abs(actual[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i])))
                return $"{what}[{i}] is {actual[i]:R}, expected {expected[i]:R}";
        return null;
    }

    /// <summary>Tensor lists compared name, shape and every value within rounding; problems in words.</summary>
    public static IEnumerable<string> Differs(ModelDescription model, string what, IReadOnlyList<HostTensor> expected, IReadOnlyList<HostTensor> actual)
    {
        if (!Names(expected).SequenceEqual(Names(actual)))
            return [$"{what}: got {Names(actual)}, expected {Names(expected)}"];
        return expected.Zip(actual).Select(pair => Differs(model, $"{what} {pair.First.Name}", pair.First.Data, pair.Second.Data)).OfType<string>();
    }

    /// <summary>Tensor lists compared name, shape and every value bit for bit; problems in words.</summary>
    public static IEnumerable<string> NotIdentical(string what, IReadOnlyList<HostTensor> expected, IReadOnlyList<HostTensor> actual)
    {
        if (!Names(expected).SequenceEqual(Names(actual)))
            return [$"{what}: got {Names(actual)}, expected {Names(expected)}"];
        return expected.Zip(actual).Select(pair => NotIdentical($"{what} {pair.First.Name}", pair.First.Data, pair.Second.Data)).OfType<string>();
    }

    public static string? NotIdentical(string what, double[] expected, double[] actual)
    {
        if (expected.Length != actual.Length)
            return $"{what} has {actual.Length} values, expected {expected.Length}";
        for (var i = 0; i < expected.Length; i++)
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                return $"{what}[{i}] is {actual[i]:R}, was {expected[i]:R}";
        return null;
    }

    /// <summary>"0.weight [5, 3], 0.bias [5]": names and shapes, the state_dict's outline.</summary>
    public static string Names(IEnumerable<HostTensor> tensors) => string.Join(", ", tensors.Select(t => $"{t.Name} {t.ShapeText}"));
}
