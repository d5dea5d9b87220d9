using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>Turns output rows into predicted classes by the spec's rule and counts the right ones.</summary>
public static class Accuracy
{
    public static int CountCorrect(AccuracyRule rule, Evaluation evaluation, ReadOnlySpan<int> labels)
    {
        var correct = 0;
        for (var row = 0; row < labels.Length; row++)
            if (Predict(rule, evaluation.Outputs.AsSpan(row * evaluation.Width, evaluation.Width)) == labels[row])
                correct++;
        return correct;
    }

    public static int Predict(AccuracyRule rule, ReadOnlySpan<double> output) => rule switch
    {
        AccuracyRule.Argmax => ArgMax(output),
        AccuracyRule.AboveHalf => output[0] > 0.5 ? 1 : 0,
        AccuracyRule.PositiveLogit => output[0] > 0 ? 1 : 0,
        _ => throw new InvalidOperationException("a regression has no predicted class"),
    };

    static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
