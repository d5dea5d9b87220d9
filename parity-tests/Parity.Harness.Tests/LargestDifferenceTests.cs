using System.Numerics.Tensors;
using Parity.Harness.Comparison;

namespace Parity.Harness.Tests;

/// <summary>Block by block, <see cref="LargestDifference"/> finds what one pass over the whole arrays finds, ties and NaNs included.</summary>
public class LargestDifferenceTests
{
    const int Block = LargestDifference.Block;

    [Theory]
    [InlineData(1)]
    [InlineData(Block - 1)]
    [InlineData(Block)]
    [InlineData(3 * Block + 17)]
    public void Random_arrays_with_ties_and_NaNs_give_what_a_whole_pass_gives(int length)
    {
        var random = new Random(length);
        for (var trial = 0; trial < 200; trial++)
        {
            // Values on a coarse grid, so that equal and opposite differences recur across blocks.
            var (values, reference) = (Grid(random, length), Grid(random, length));
            if (trial % 4 == 1)
                values[random.Next(length)] = double.NaN;
            if (trial % 4 == 2)
                reference[random.Next(length)] = double.NaN;
            AssertLikeOnePass(values, reference);
        }
    }

    [Fact]
    public void A_later_positive_difference_as_large_as_an_earlier_negative_one_is_the_largest()
    {
        var (values, reference) = (new double[3 * Block], new double[3 * Block]);
        values[5] = -1;
        values[2 * Block + 3] = 1;
        Assert.Equal((2 * Block + 3, 1.0, 0.0), LargestDifference.Of(values, reference, new double[Block]));
        AssertLikeOnePass(values, reference);
    }

    [Fact]
    public void The_first_NaN_stands_before_any_larger_difference_after_it()
    {
        var (values, reference) = (new double[3 * Block], new double[3 * Block]);
        values[Block + 1] = double.NaN;
        values[2 * Block] = 1e300;
        values[2 * Block + 1] = double.NaN;
        var (index, value, _) = LargestDifference.Of(values, reference, new double[Block]);
        Assert.Equal(Block + 1, index);
        Assert.True(double.IsNaN(value));
    }

    static double[] Grid(Random random, int length) => [.. Enumerable.Range(0, length).Select(_ => random.Next(-3, 4) * 0.25)];

    static void AssertLikeOnePass(double[] values, double[] reference)
    {
        var difference = new double[values.Length];
        TensorPrimitives.Subtract(values, reference, difference);
        var index = TensorPrimitives.IndexOfMaxMagnitude<double>(difference);
        var magnitude = Math.Abs(TensorPrimitives.MaxMagnitude<double>(reference));
        var found = LargestDifference.Of(values, reference, new double[Block]);
        Assert.Equal(index, found.Index);
        Assert.Equal(BitConverter.DoubleToInt64Bits(difference[index]), BitConverter.DoubleToInt64Bits(found.Value));
        Assert.Equal(magnitude, found.ReferenceMagnitude);
    }
}
