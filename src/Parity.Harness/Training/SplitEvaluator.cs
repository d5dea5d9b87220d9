using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>Loss and accuracy of a backend over a whole split, in chunks so memory stays bounded on large splits.</summary>
public sealed class SplitEvaluator(ParitySpec spec)
{
    const int ChunkRows = 4096;

    public (double Loss, double? Accuracy)? Evaluate(IBackend backend, DataSplit? split)
    {
        if (split is null || split.Rows == 0)
            return null;
        var lossSum = 0.0;
        var correct = 0;
        var all = Enumerable.Range(0, split.Rows).ToArray();
        for (var start = 0; start < split.Rows; start += ChunkRows)
        {
            var rows = all.AsSpan(start, Math.Min(ChunkRows, split.Rows - start));
            var batch = Batch.Gather(split, rows, spec.TargetEncoding, spec.Shape.Classes ?? 0);
            var evaluation = backend.Evaluate(batch);
            // A mean over the split is the row-weighted mean of the chunks' means; a sum adds up.
            lossSum += spec.Loss.Reduction == Reduction.Mean ? evaluation.Loss * rows.Length : evaluation.Loss;
            if (split.Labels is not null)
                correct += Accuracy.CountCorrect(spec.Accuracy, evaluation, split.Labels.AsSpan(start, rows.Length));
        }
        var loss = spec.Loss.Reduction == Reduction.Mean ? lossSum / split.Rows : lossSum;
        return (loss, spec.Accuracy == AccuracyRule.None ? null : (double)correct / split.Rows);
    }
}
