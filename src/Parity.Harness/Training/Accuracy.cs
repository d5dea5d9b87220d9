using Parity.Contract;
using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>Turns output rows into predicted classes by the spec's rule and counts the right ones.</summary>
public static class Accuracy
{
    /// <summary>
    /// The right answers of a chunk's outputs against its labels, and how many answers were judged: one per row,
    /// or for <see cref="AccuracyRule.PerToken"/> one per scored position (a label other than <see cref="Batch.IgnoredTarget"/>).
    /// </summary>
    public static (int Correct, int Judged) Count(AccuracyRule rule, Evaluation evaluation, ReadOnlySpan<int> labels, int rows)
    {
        var (correct, judged) = (0, 0);
        var positions = labels.Length / rows;
        for (var row = 0; row < rows; row++)
        {
            var output = evaluation.Outputs.AsSpan(row * evaluation.Width, evaluation.Width);
            if (rule is not (AccuracyRule.PerToken or AccuracyRule.PerSequence))
            {
                correct += Predict(rule, output) == labels[row] ? 1 : 0;
                judged++;
                continue;
            }
            var vocabulary = evaluation.Width / positions;
            var (right, scored) = (0, 0);
            for (var t = 0; t < positions; t++)
            {
                var label = labels[row * positions + t];
                if (label == Batch.IgnoredTarget)
                    continue;
                scored++;
                if (PredictAt(output, t, vocabulary) == label)
                    right++;
            }
            (correct, judged) = rule == AccuracyRule.PerToken
                ? (correct + right, judged + scored)
                : (correct + (right == scored ? 1 : 0), judged + 1);
        }
        return (correct, judged);
    }

    public static int Predict(AccuracyRule rule, ReadOnlySpan<double> output) => rule switch
    {
        AccuracyRule.Argmax => ArgMax(output),
        AccuracyRule.AboveHalf => output[0] > 0.5 ? 1 : 0,
        AccuracyRule.PositiveLogit => output[0] > 0 ? 1 : 0,
        _ => throw new InvalidOperationException($"{rule} predicts no single class per row"),
    };

    /// <summary>The token predicted at <paramref name="position"/> of a sequence output [T, V]: the argmax of its V logits.</summary>
    public static int PredictAt(ReadOnlySpan<double> output, int position, int vocabulary) => ArgMax(output.Slice(position * vocabulary, vocabulary));

    static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
