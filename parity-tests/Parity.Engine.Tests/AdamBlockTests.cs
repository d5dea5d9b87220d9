using System.Numerics;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;

namespace Parity.Engine.Tests;

/// <summary>
/// Adam takes its passes a cache block at a time (<c>CacheBlocks</c>). Every element's update is its own, so a
/// parameter spanning several blocks (and a partial last one) must step exactly as the same values held as
/// one-element parameters do, each a block of its own: bit for bit, over steps, in every option that changes a pass.
/// </summary>
public class AdamBlockTests
{
    const int Length = 5_000;

    [Theory]
    [InlineData(false, 0.0, false)]
    [InlineData(false, 0.01, false)]
    [InlineData(true, 0.01, false)]
    [InlineData(false, 0.0, true)]
    public void A_parameter_over_several_blocks_steps_as_its_elements_alone_bit_for_bit(bool decoupled, double weightDecay, bool amsgrad)
    {
        Steps<double>(decoupled, weightDecay, amsgrad);
        Steps<float>(decoupled, weightDecay, amsgrad);
    }

    static void Steps<T>(bool decoupled, double weightDecay, bool amsgrad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var whole = new Parameter<T>("0.weight", [1, Length], Matrix<T>.From(1, Length, values));
        var alone = values.Select((value, i) => new Parameter<T>($"{i}", [1, 1], Matrix<T>.From(1, 1, [value]))).ToArray();
        var options = new AdamOptions(0.01, 0.9, 0.999, 1e-8, weightDecay, amsgrad, decoupled);
        var (wholeAdam, aloneAdam) = (new Adam<T>([whole], options), new Adam<T>(alone, options));

        for (var step = 0; step < 3; step++)
        {
            for (var i = 0; i < Length; i++)
                whole.Grad.Data[i] = alone[i].Grad.Data[0] = T.CreateChecked(random.NextDouble() - 0.5);
            wholeAdam.Step();
            aloneAdam.Step();
            Assert.Equal(alone.Select(p => p.Value.Data[0]), whole.Value.Data);
        }
    }
}
