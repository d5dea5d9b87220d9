using Parity.Harness.Checks;
using Parity.Spec;

namespace Parity.Harness.Tests;

/// <summary>
/// When finite differences cannot judge the engine (<see cref="SharedFailures"/>): both sides fail only within the loss's own
/// rounding, wherever rounding put the failures (sweep seed 300158), or at the same points with the same numericals; a failure
/// beyond the loss's rounding, or one the reference control does not share, is still the engine's.
/// </summary>
public class SharedFailuresTests
{
    static readonly ParitySpec Spec = TinySpec.Spec;

    static GradcheckResult Failing(string backend, params GradcheckFailure[] failures) => new(backend, false, "fast", 82, 0, 1, failures);

    static readonly GradcheckResult Passing = new("reference", true, "fast", 82, 0, 1e-7, []);

    [Fact]
    public void Failures_of_both_sides_within_the_losss_rounding_are_inconclusive_wherever_they_are()
    {
        // sweep seed 300158's figures: one rounding unit of a loss near 1e6 over 2·eps is 9.3e-4.
        var engine = Failing("engine", new GradcheckFailure("1.bias[1]", 9.313e-4, -3.2e-10, 9.313e-4), new GradcheckFailure("4.bias[2]", 4.657e-4, 3.0e-10, 9.313e-4));
        var twin = Failing("reference", new GradcheckFailure("1.bias[1]", -4.657e-4, -5.3e-11, 9.313e-4), new GradcheckFailure("1.bias[0]", -4.657e-4, -2.7e-11, 9.313e-4));
        Assert.True(SharedFailures.Of(Spec, engine, twin));
    }

    [Fact]
    public void A_failure_beyond_the_losss_rounding_or_one_the_control_passes_is_the_engines()
    {
        var twin = Failing("reference", new GradcheckFailure("1.bias[1]", -4.657e-4, -5.3e-11, 9.313e-4));
        // A gradient off by 0.1 is far beyond 8 rounding units of 9.3e-4.
        Assert.False(SharedFailures.Of(Spec, Failing("engine", new GradcheckFailure("1.bias[1]", 9.313e-4, 0.1, 9.313e-4)), twin));
        Assert.False(SharedFailures.Of(Spec, Failing("engine", new GradcheckFailure("1.bias[1]", 9.313e-4, -3.2e-10, 9.313e-4)), Passing));
        // Without a resolution (a smooth, small loss) nothing is within rounding: the same-points rule alone decides.
        Assert.False(SharedFailures.Of(Spec, Failing("engine", new GradcheckFailure("0.weight[0, 0]", 0.5, 0.4)), Failing("reference", new GradcheckFailure("0.weight[1, 0]", 0.5, 0.5001))));
        Assert.True(SharedFailures.Of(Spec, Failing("engine", new GradcheckFailure("0.weight[0, 0]", 0.5, 0.4)), Failing("reference", new GradcheckFailure("0.weight[0, 0]", 0.5, 0.5001))));
    }
}
