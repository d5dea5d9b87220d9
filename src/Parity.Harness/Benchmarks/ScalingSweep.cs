using Parity.Spec;

namespace Parity.Harness.Benchmarks;

/// <summary>What a sweep varies: the batch size, or the width of every hidden linear layer.</summary>
public enum SweepParameter { Batch, Width }

/// <summary>One size of a sweep and both backends' figures there.</summary>
public sealed record SweepPoint(int Value, BenchmarkResult Result);

/// <summary>A sweep's points and each backend's fitted growth exponent of the training step.</summary>
public sealed record SweepResult(SweepParameter Parameter, IReadOnlyList<SweepPoint> Points, double EngineExponent, double TwinExponent);

/// <summary>Benchmarks a spec at several batch sizes or hidden widths and fits how each backend's training step grows.</summary>
public static class ScalingSweep
{
    /// <summary>
    /// Runs <paramref name="measure"/> on the spec varied to each value (see <see cref="Vary"/>) and
    /// fits t ≈ c·valueᵏ to each backend's median training step.
    /// </summary>
    public static SweepResult Run(ParitySpec spec, SweepParameter parameter, IReadOnlyList<int> values, Func<ParitySpec, BenchmarkResult> measure)
    {
        var points = values.Select(value => new SweepPoint(value, measure(Vary(spec, parameter, value)))).ToList();
        var sizes = points.Select(p => (double)p.Value).ToList();
        return new SweepResult(
            parameter,
            points,
            GrowthExponent.Fit(sizes, points.Select(p => p.Result.Engine.TrainStep.MedianMs).ToList()),
            GrowthExponent.Fit(sizes, points.Select(p => p.Result.Twin.TrainStep.MedianMs).ToList()));
    }

    /// <summary>
    /// The spec with the batch size set to <paramref name="value"/>, or with every linear layer but the
    /// last <paramref name="value"/> wide (the layer after each taking it as its input width).
    /// </summary>
    public static ParitySpec Vary(ParitySpec spec, SweepParameter parameter, int value)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(nameof(value), value, "a batch size or width is at least 1");
        if (parameter == SweepParameter.Batch)
            return spec with { Train = spec.Train with { Batch = value } };

        var last = spec.LinearLayers.Last();
        var width = spec.Shape.Features;
        var model = new List<LayerSpec>();
        foreach (var layer in spec.Model)
        {
            if (layer is LinearLayer linear)
            {
                var resized = linear with { In = width, Out = ReferenceEquals(linear, last) ? linear.Out : value };
                model.Add(resized);
                width = resized.Out;
            }
            else
                model.Add(layer);
        }
        return spec with { Model = model };
    }
}
