namespace Parity.Conformance.Checks;

/// <summary>SetParameters then GetParameters gives back exactly what was set; a missing name or a wrong shape is refused, and changes nothing.</summary>
static class ParameterRoundTrip
{
    public static ConformanceCheck Check { get; } = new("parameter-round-trip",
        "GetParameters returns exactly what SetParameters was given; SetParameters refuses a missing name or a wrong shape and leaves the parameters as they were",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        var problems = new List<string>();
        using var backend = create(c.Model, c.InitialParameters);
        // New values, each exact in the model's dtype, none equal to the initial one; a count (num_batches_tracked, an int64 in PyTorch) a whole one.
        var values = c.InitialParameters.Select((p, k) => p with
        {
            Data = [.. p.Data.Select((v, i) => p.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) ? v + k + 1
                : ConformanceCase.Exact(c.Model, 0.25 - 0.5 * v + 0.001 * (k + 1) * (i + 1)))],
        }).ToList();
        backend.SetParameters(values);
        problems.AddRange(Closeness.NotIdentical("after SetParameters, GetParameters", values, backend.GetParameters()));

        var (first, last) = (values[0], values[^1]);
        var wrongShape = last.Shape.Length > 1 ? [.. last.Shape.Reverse()] : new[] { last.Count + 1 };
        var refusals = new (string What, List<HostTensor> Parameters)[]
        {
            ($"no value for {first.Name}", values.Skip(1).ToList()),
            ($"{last.Name} shaped [{string.Join(", ", wrongShape)}] instead of {last.ShapeText}",
                [.. values.SkipLast(1), last with { Shape = wrongShape, Data = new double[wrongShape.Aggregate(1, (n, d) => n * d)] }]),
        };
        foreach (var (what, parameters) in refusals)
        {
            try
            {
                backend.SetParameters(parameters);
                problems.Add($"SetParameters accepted {what}");
            }
            catch (Exception)
            {
                // Refused, as it must be: any exception will do.
            }
            problems.AddRange(Closeness.NotIdentical($"after SetParameters with {what}, GetParameters", values, backend.GetParameters()));
        }
        return problems;
    }
}
