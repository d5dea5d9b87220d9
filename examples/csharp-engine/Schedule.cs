using Parity.Contract;

namespace CSharpEngine;

/// <summary>The learning rate after each epoch: ExponentialLR (lr·γ every epoch) and StepLR (lr·γ every step_size epochs).</summary>
static class Schedule
{
    /// <summary>The next epoch's learning rate from the current one and the number of epochs ended so far.</summary>
    public static Func<double, int, double> For(Described? schedule) => schedule?.Kind switch
    {
        null => (lr, _) => lr,
        "exponential" => (lr, _) => lr * schedule.Number("gamma"),
        "step" => (lr, epochs) => epochs % schedule.Integer("step_size") == 0 ? lr * schedule.Number("gamma") : lr,
        _ => throw new NotSupportedException($"the C# example has no learning-rate schedule '{schedule.Kind}'"),
    };
}
