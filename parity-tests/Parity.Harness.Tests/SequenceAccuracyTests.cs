using Parity.Contract;
using Parity.Harness.Training;
using Parity.Spec;

namespace Parity.Harness.Tests;

/// <summary>Accuracy over sequence outputs [T, V]: argmax per position, only where the target scores it.</summary>
public class SequenceAccuracyTests
{
    const int Ignored = Batch.IgnoredTarget;

    /// <summary>Two rows of 3 positions over a vocabulary of 2: row 0 predicts [1, 0, 1], row 1 [0, 0, 1].</summary>
    static readonly Evaluation Outputs = new(0, [0.1, 0.9, 0.8, 0.2, 0.3, 0.7, /* row 1 */ 0.6, 0.4, 0.9, 0.1, 0.2, 0.8], 6);

    /// <summary>Row 0's first position is ignored (it would be wrong) and the rest right; row 1 is right at 2 of 3.</summary>
    static readonly int[] Labels = [0, 0, 1, /* row 1 */ 0, 1, 1];

    static int[] WithFirstIgnored => [Ignored, .. Labels[1..]];

    [Fact]
    public void Per_token_counts_the_scored_positions_argmax_picks()
    {
        Assert.Equal((4, 5), Accuracy.Count(AccuracyRule.PerToken, Outputs, WithFirstIgnored, rows: 2));
        Assert.Equal((4, 6), Accuracy.Count(AccuracyRule.PerToken, Outputs, Labels, rows: 2));
    }

    [Fact]
    public void Per_sequence_counts_a_row_when_all_its_scored_positions_are_right()
    {
        Assert.Equal((1, 2), Accuracy.Count(AccuracyRule.PerSequence, Outputs, WithFirstIgnored, rows: 2));
        Assert.Equal((0, 2), Accuracy.Count(AccuracyRule.PerSequence, Outputs, Labels, rows: 2));
    }

    [Fact]
    public void A_flat_output_still_counts_one_class_per_row()
    {
        var flat = new Evaluation(0, [0.1, 0.9, 0.8, 0.2], 2);
        Assert.Equal((1, 2), Accuracy.Count(AccuracyRule.Argmax, flat, [1, 1], rows: 2));
    }
}
