using Parity.Contract;
using Parity.Harness.Concurrency;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>Loss, accuracy and confusion of backends over a whole split, in chunks so memory stays bounded on large splits.</summary>
public sealed class SplitEvaluator(ParitySpec spec)
{
    readonly int _chunkRows = EvaluationChunk.Rows(spec);

    /// <summary>
    /// Each backend's loss and accuracy over <paramref name="split"/>, in order; each chunk gathered once for all of
    /// them, and evaluated by two <paramref name="together"/> at once when given.
    /// </summary>
    public (double Loss, double? Accuracy)[]? Evaluate(IReadOnlyList<IBackend> backends, DataSplit? split, AtOnceCalls? together = null)
    {
        if (split is null || split.Rows == 0)
            return null;
        var lossSums = new double[backends.Count];
        var (correct, judged) = (new int[backends.Count], new int[backends.Count]);
        foreach (var (evaluations, start, rows) in Chunks(backends, split, together))
            for (var i = 0; i < backends.Count; i++)
            {
                // A mean over the split is the row-weighted mean of the chunks' means; a sum adds up.
                lossSums[i] += spec.Loss.Reduction == Reduction.Mean ? evaluations[i].Loss * rows : evaluations[i].Loss;
                if (split.Labels is not null && spec.Accuracy != AccuracyRule.None)
                {
                    var (right, counted) = Accuracy.Count(spec.Accuracy, evaluations[i], split.Labels.AsSpan(start * split.TargetWidth, rows * split.TargetWidth), rows);
                    (correct[i], judged[i]) = (correct[i] + right, judged[i] + counted);
                }
            }
        return [.. lossSums.Select((sum, i) => (spec.Loss.Reduction == Reduction.Mean ? sum / split.Rows : sum, spec.Accuracy == AccuracyRule.None ? (double?)null : (double)correct[i] / judged[i]))];
    }

    /// <summary>counts[true class][predicted class] over the split (classification only); for a sequence, over its scored tokens.</summary>
    public int[][] Confusion(IBackend backend, DataSplit split)
    {
        var classes = spec.Shape.Classes ?? throw new InvalidOperationException("a regression has no confusion matrix");
        var counts = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        var positions = split.TargetWidth;
        foreach (var (evaluations, start, rows) in Chunks([backend], split, together: null))
        {
            var evaluation = evaluations[0];
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
        }
        return counts;
    }

    IEnumerable<(Evaluation[] Evaluations, int Start, int Rows)> Chunks(IReadOnlyList<IBackend> backends, DataSplit split, AtOnceCalls? together)
    {
        var all = Enumerable.Range(0, split.Rows).ToArray();
        for (var start = 0; start < split.Rows; start += _chunkRows)
        {
            var rows = Math.Min(_chunkRows, split.Rows - start);
            var chunk = Batches.Gather(split, all.AsSpan(start, rows), spec.TargetEncoding, spec.Shape.Classes ?? 0);
            yield return (together is not null && backends.Count == 2
                ? together.Call(backends[0], backends[1], nameof(IBackend.Evaluate), rows, b => b.Evaluate(chunk))
                : [.. backends.Select(b => b.Evaluate(chunk))], start, rows);
        }
    }
}
