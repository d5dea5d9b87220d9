namespace Parity.Spec.Data;

/// <summary>
/// minGPT's SortDataset: a sample draws <c>length</c> digits below <c>digits</c> and the model learns to
/// write them sorted. The sequence is the input followed by its sorted copy; x is all of it but the last
/// token (T = 2·length − 1), y all of it but the first, the first length − 1 targets ignored (they would
/// ask the model to guess the unsorted input). Each possible input belongs to train or to test, a quarter
/// of them to test, by a seeded hash of its digits as minGPT's hash of the pickled list: no test sequence
/// is ever trained on.
/// </summary>
public static class SortSource
{
    /// <summary>The fewest distinct inputs a spec may ask for: a quarter of them is the test's share.</summary>
    public const int MinSequences = 64;

    /// <summary>Draws without a sample of the split are given up after this many, which only a nearly empty split needs.</summary>
    const int MaxDrawsPerSample = 100_000;

    public static int Positions(int length) => 2 * length - 1;

    /// <summary>How many distinct inputs length and digits allow, capped (past the cap only "enough" matters).</summary>
    public static long Sequences(int length, int digits)
    {
        var count = 1L;
        for (var i = 0; i < length && count < int.MaxValue; i++)
            count *= digits;
        return count;
    }

    public static DataSplit Generate(DataSpec data, long seed, string split, int rows)
    {
        var (length, digits) = (data.Length, data.Digits);
        var positions = Positions(length);
        var random = SeededRandom.For(seed, $"data.{split}");
        var x = new double[rows * positions];
        var y = new int[rows * positions];
        var input = new int[length];
        for (var row = 0; row < rows; row++)
        {
            Draw(input, digits, random, seed, split == "test", row);
            var sequence = input.Concat(input.Order()).ToArray();
            for (var t = 0; t < positions; t++)
            {
                x[row * positions + t] = sequence[t];
                y[row * positions + t] = t < length - 1 ? Batch.IgnoredTarget : sequence[t + 1];
            }
        }
        return new DataSplit(split, rows, positions, new Float64Features(x), y, null, positions);
    }

    /// <summary>Whether an input belongs to the test split: a quarter of all inputs, fixed by the spec's seed.</summary>
    public static bool IsTest(ReadOnlySpan<int> input, long seed) =>
        SeededRandom.For(seed, $"data.sort.split {string.Join(",", input.ToArray())}").NextInt(4) == 0;

    /// <summary>
    /// One input of the split: uniform digits, redrawn with probability ½ when more than length/2 of them are
    /// distinct (minGPT's preference for inputs with repeats), and redrawn when they belong to the other split.
    /// </summary>
    static void Draw(int[] input, int digits, SeededRandom random, long seed, bool test, int row)
    {
        for (var draw = 0; draw < MaxDrawsPerSample; draw++)
        {
            for (var i = 0; i < input.Length; i++)
                input[i] = random.NextInt(digits);
            if (random.NextDouble() < 0.5 && input.Distinct().Count() > input.Length / 2)
                continue;
            if (IsTest(input, seed) == test)
                return;
        }
        throw new InputException($"sort with length {input.Length} and digits {digits}: sample {row} of the {(test ? "test" : "train")} split found no input of its split in {MaxDrawsPerSample} draws; raise length or digits");
    }
}
