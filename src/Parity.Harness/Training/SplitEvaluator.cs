using Parity.Contract;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>Loss, accuracy and confusion of a backend over a whole split, in chunks so memory stays bounded on large splits.</summary>
public sealed class SplitEvaluator(ParitySpec spec)
{
    readonly int _chunkRows = EvaluationChunk.Rows(spec);

    public (double Loss, double? Accuracy)? Evaluate(IBackend backend, DataSplit? split)
    {
        if (split is null || split.Rows == 0)
            return null;
        var lossSum = 0.0;
        var (correct, judged) = (0, 0);
        foreach (var (evaluation, start, rows) in Chunks(backend, split))
        {
            // A mean over the split is the row-weighted mean of the chunks' means; a sum adds up.
            lossSum += spec.Loss.Reduction == Reduction.Mean ? evaluation.Loss * rows : evaluation.Loss;
            if (split.Labels is not null && spec.Accuracy != AccuracyRule.None)
            {
                var (right, counted) = Accuracy.Count(spec.Accuracy, evaluation, split.Labels.AsSpan(start * split.TargetWidth, rows * split.TargetWidth), rows);
                (correct, judged) = (correct + right, judged + counted);
            }
        }
        var loss = spec.Loss.Reduction == Reduction.Mean ? lossSum / split.Rows : lossSum;
        return (loss, spec.Accuracy == AccuracyRule.None ? null : (double)correct / judged);
    }

    /// <summary>counts[true class][predicted class] over the split (classification only); for a sequence, over its scored tokens.</summary>
    public int[][] Confusion(IBackend backend, DataSplit split)
    {
        var classes = spec.Shape.Classes ?? throw new InvalidOperationException("a regression has no confusion matrix");
        var counts = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        var positions = split.TargetWidth;
        foreach (var (evaluation, start, rows) in Chunks(backend, split))
            for (var row = 0; row < rows; row++)
            {
                var output = evaluation.Outputs.AsSpan(row * evaluation.Width, evaluation.Width);
                if (!spec.Shape.IsSequence)
                {
                    counts[split.Labels![start + row]][Accuracy.Predict(spec.Accuracy, output)]++;
                    continue;
                }
                for (var t = 0; t < positions; t++)
                    if (split.Labels![(start + row) * positions + t] is var label and not Batch.IgnoredTarget)
                        counts[label][Accuracy.PredictAt(output, t, classes)]++;
            }
        return counts;
    }

    IEnumerable<(Evaluation Evaluation, int Start, int Rows)> Chunks(IBackend backend, DataSplit split)
    {
        var all = Enumerable.Range(0, split.Rows).ToArray();
        for (var start = 0; start < split.Rows; start += _chunkRows)
        {
            var rows = Math.Min(_chunkRows, split.Rows - start);
            yield return (backend.Evaluate(Batches.Gather(split, all.AsSpan(start, rows), spec.TargetEncoding, spec.Shape.Classes ?? 0)), start, rows);
        }
    }
}
