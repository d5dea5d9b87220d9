namespace Parity.Conformance.Checks;

/// <summary>Step after ComputeGradients moves the parameters as the description's clipping and SGD say.</summary>
static class StepFollowsSgd
{
    public static ConformanceCheck Check { get; } = new("step-follows-sgd",
        "Step after ComputeGradients clips the reported gradients and moves the parameters by torch.optim.SGD's first step, within a few roundings of the dtype",
        Run);

    static IReadOnlyList<string> Run(BackendFactory create, ConformanceCase c)
    {
        using var backend = create(c.Model, c.InitialParameters);
        var gradients = backend.ComputeGradients(c.Batch);
        var before = backend.GetParameters();
        backend.Step();
        var expected = FirstSgdStep.After(c.Model, before, gradients.Parameters, c.Model.Optimizer.Number("lr"));
        return [.. Closeness.Differs(c.Model, "after Step, parameter", expected, backend.GetParameters())];
    }
}
