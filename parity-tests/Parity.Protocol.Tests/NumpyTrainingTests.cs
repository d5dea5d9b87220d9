namespace Parity.Protocol.Tests;

/// <summary>
/// The example engine trained in lockstep with the twin on <see cref="NumpyEngineTests.TrainedSpecs"/>; a class of its own, so that it runs beside the check tests.
/// </summary>
public class NumpyTrainingTests
{
    [Theory]
    [MemberData(nameof(NumpyEngineTests.TrainedSpecs), MemberType = typeof(NumpyEngineTests))]
    public void Lockstep_training_is_identical_up_to_rounding(string spec)
    {
        var (exit, output, error) = Engines.Run("train", Engines.Spec($"{spec}.yaml"), "--engine", Engines.Numpy());

        Assert.True(exit == 0, output + error);
        Assert.Contains("verdict: identical up to rounding", output);
        Assert.Contains($"passed {spec}", output);
    }
}
