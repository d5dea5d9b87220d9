namespace Parity.Harness.Training;

/// <summary>How far two engines' per-epoch train losses lie apart: max over epochs of |a − b| / max(|a|, |b|).</summary>
public static class CurveDifference
{
    public static double MaxRelative(IReadOnlyList<EpochMetrics> a, IReadOnlyList<EpochMetrics> b) =>
        a.Zip(b, (x, y) => Relative(x.TrainLoss, y.TrainLoss)).DefaultIfEmpty(0).Max();

    static double Relative(double x, double y)
    {
        var scale = Math.Max(Math.Abs(x), Math.Abs(y));
        return scale == 0 ? 0 : Math.Abs(x - y) / scale;
    }
}
