namespace Parity.Spec.Tests;

/// <summary>xoshiro256** seeded through SplitMix64, and the named streams drawn from one seed.</summary>
public class SeededRandomTests
{
    [Fact]
    public void The_sequence_is_the_published_xoshiro256_star_star()
    {
        // Computed from the reference definitions (splitmix64.c, xoshiro256starstar.c) for seed 0.
        var random = new SeededRandom(0);
        Assert.Equal(
            [0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL, 0x6aa594f1262d2d2cUL, 0xbba5ad4a1f842e59UL, 0xffef8375d9ebcacaUL],
            Enumerable.Range(0, 6).Select(_ => random.NextUInt64()));
    }

    [Fact]
    public void NextDouble_is_uniform_in_zero_to_one_excluding_one()
    {
        var random = new SeededRandom(3);
        var values = Enumerable.Range(0, 100_000).Select(_ => random.NextDouble()).ToArray();

        Assert.All(values, v => Assert.True(v is >= 0 and < 1, $"{v} is outside [0, 1)"));
        Assert.InRange(values.Average(), 0.495, 0.505);
        Assert.InRange(values.Min(), 0, 1e-3);
        Assert.InRange(values.Max(), 1 - 1e-3, 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(10)]
    public void NextInt_covers_its_range_evenly(int n)
    {
        var random = new SeededRandom(4);
        var counts = new int[n];
        for (var i = 0; i < 10_000 * n; i++)
        {
            var value = random.NextInt(n);
            Assert.InRange(value, 0, n - 1);
            counts[value]++;
        }
        Assert.All(counts, count => Assert.InRange(count, 9_600, 10_400));
    }

    [Fact]
    public void Normal_has_mean_zero_and_std_one()
    {
        var random = new SeededRandom(5);
        var values = Enumerable.Range(0, 100_000).Select(_ => random.Normal()).ToArray();
        var mean = values.Average();

        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(Math.Sqrt(values.Average(v => (v - mean) * (v - mean))), 0.99, 1.01);
    }

    [Fact]
    public void Permutation_is_a_shuffle_of_every_index()
    {
        var order = new SeededRandom(6).Permutation(1000);

        Assert.Equal(Enumerable.Range(0, 1000), order.Order());
        Assert.True(order.Where((value, index) => value == index).Count() < 10, "the shuffle left most indices in place");
    }

    [Fact]
    public void A_seed_and_stream_name_fix_the_stream()
    {
        static ulong[] Draw(SeededRandom random) => Enumerable.Range(0, 8).Select(_ => random.NextUInt64()).ToArray();

        Assert.Equal(Draw(new SeededRandom(9)), Draw(new SeededRandom(9)));
        Assert.Equal(Draw(SeededRandom.For(9, "a")), Draw(SeededRandom.For(9, "a")));
        Assert.NotEqual(Draw(SeededRandom.For(9, "a")), Draw(SeededRandom.For(9, "b")));
        Assert.NotEqual(Draw(SeededRandom.For(9, "a")), Draw(SeededRandom.For(10, "a")));
    }
}
