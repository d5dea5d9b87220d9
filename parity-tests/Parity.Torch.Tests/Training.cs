using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Torch.Tests;

/// <summary>Specs and the mini-batches of their epochs, as the harness's trainer draws them.</summary>
static class Training
{
    public static ParitySpec BuiltInSpec(string name) => SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "specs", name + ".yaml"));

    /// <summary>Epoch <paramref name="epoch"/>'s batches of the training split, in BatchOrder's order.</summary>
    public static IEnumerable<Batch> EpochBatches(ParitySpec spec, DataSplit train, int epoch)
    {
        var order = BatchOrder.ForEpoch(spec, epoch, train.Rows);
        for (var start = 0; start < order.Length; start += spec.Train.Batch)
            yield return Batches.ForStep(spec, train, order.AsSpan(start, Math.Min(spec.Train.Batch, order.Length - start)), epoch, start);
    }

    /// <summary>The whole split as one batch.</summary>
    public static Batch All(ParitySpec spec, DataSplit split) =>
        Batches.Gather(split, Enumerable.Range(0, split.Rows).ToArray(), spec.TargetEncoding, spec.Shape.Classes ?? 0);
}
