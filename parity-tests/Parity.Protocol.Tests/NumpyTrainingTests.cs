namespace Parity.Protocol.Tests;

/// <summary>
/// The example engine trained in lockstep with the twin on the built-in specs whose layers it has —
/// all but the two large Fashion-MNIST ones (the ten-class MLP and the grid of seven settings take
/// minutes through the protocol, and use no part the others leave out). A class of its own, so that
/// it runs beside the check tests.
/// </summary>
public class NumpyTrainingTests
{
    [Theory]
    [InlineData("xor-tanh-bce")]
    [InlineData("quadratic-softmax-clip")]
    [InlineData("disk-three-layers")]
    [InlineData("disk-relu-mse")]
    [InlineData("disk-deep-sigmoid-bce")]
    [InlineData("disk-deep-tanh-mse")]
    [InlineData("fashion-mnist-2class-float32")]
    public void Lockstep_training_is_identical_up_to_rounding(string spec)
    {
        var (exit, output, error) = Engines.Run("train", Engines.Spec($"{spec}.yaml"), "--engine", Engines.Numpy());

        Assert.True(exit == 0, output + error);
        Assert.Contains("verdict: identical up to rounding", output);
        Assert.Contains($"passed {spec}", output);
    }
}
