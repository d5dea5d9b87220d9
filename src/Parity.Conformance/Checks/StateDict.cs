namespace Parity.Conformance.Checks;

/// <summary>A new backend holds the description's parameters in state_dict order, with the initial values it was given.</summary>
static class StateDict
{
    public static ConformanceCheck Check { get; } = new("state-dict",
        "right after construction, GetParameters lists the description's parameters in state_dict order, by name and shape, holding exactly the initial values",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        using var backend = create(c.Model, c.InitialParameters);
        var parameters = backend.GetParameters();
        var described = string.Join(", ", c.Model.Parameters.Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}]"));
        if (Closeness.Names(parameters) != described)
            return [$"GetParameters lists {Closeness.Names(parameters)}; the description has {described}"];
        return [.. Closeness.NotIdentical("the initial value of", c.InitialParameters, parameters)];
    }
}
