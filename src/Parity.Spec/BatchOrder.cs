namespace Parity.Spec;

/// <summary>The order in which an epoch visits the training rows: a seeded shuffle per epoch, or 0..n-1.</summary>
public static class BatchOrder
{
    public static int[] ForEpoch(ParitySpec spec, int epoch, int rows) =>
        spec.Train.Shuffle
            ? SeededRandom.For(spec.Seed, $"order.{epoch}").Permutation(rows)
            : Enumerable.Range(0, rows).ToArray();
}
