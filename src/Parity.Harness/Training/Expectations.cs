using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>Checks a finished run against the spec's <c>expect</c> block and against blow-ups; returns what was missed, in words.</summary>
public static class Expectations
{
    public static IReadOnlyList<string> Missed(ExpectSpec expect, IReadOnlyList<EpochMetrics> epochs)
    {
        var last = epochs[^1];
        var missed = new List<string>();
        if (!double.IsFinite(last.TrainLoss))
            missed.Add($"train loss is {last.TrainLoss} after epoch {last.Epoch}: training blew up");
        if (expect.TestAccuracy is { } accuracy && !(last.TestAccuracy >= accuracy))
            missed.Add($"test accuracy {Format(last.TestAccuracy)} < expected {accuracy}");
        if (expect.TestLoss is { } testLoss && !(last.TestLoss <= testLoss))
            missed.Add($"test loss {Format(last.TestLoss)} > expected {testLoss}");
        if (expect.TrainLoss is { } trainLoss && !(last.TrainLoss <= trainLoss))
            missed.Add($"train loss {Format(last.TrainLoss)} > expected {trainLoss}");
        return missed;
    }

    static string Format(double? value) => value is { } v ? v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "(none)";
}
