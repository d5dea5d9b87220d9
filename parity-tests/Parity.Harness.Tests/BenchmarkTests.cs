using Parity.Harness.Benchmarks;
using Parity.Spec;

namespace Parity.Harness.Tests;

/// <summary>The benchmark's arithmetic — FLOP counts, the growth exponent, quartiles, sweeps, targets — on known cases; no timing is judged.</summary>
public class BenchmarkTests
{
    static ParitySpec Spec(string model, string extra = "", string sgd = "{lr: 0.1}") => SpecLoader.Parse($$"""
        name: flops
        seed: 1
        data: {source: disk, train: 100}
        model: {{model}}
        loss: mse
        optimizer: {sgd: {{sgd}}}
        train: {epochs: 1, batch: 10}
        {{extra}}
        """, "flops.yaml");

    [Fact]
    public void A_linear_layer_counts_2_rows_in_out_forward_and_as_much_again_per_gradient_backward()
    {
        // 2 → 3 → 1, no biases: products only, plus the loss's 3 + 2 per output and SGD's 2 per parameter.
        var flops = FlopCount.Of(Spec("[linear: {out: 3, bias: false}, linear: {out: 1, bias: false}]"), rows: 10);

        Assert.Equal(2 * 10 * 2 * 3 + 2 * 10 * 3 * 1 + 3 * 10, flops.Forward);
        // dW of both layers, dX of the second only: the first layer's input gradient is never computed.
        Assert.Equal(2 * 10 * 2 * 3 + 2 * (2 * 10 * 3 * 1) + 2 * 10, flops.Backward);
        Assert.Equal(2 * (6 + 3), flops.Step);
        Assert.Equal(flops.Forward + flops.Backward + flops.Step, flops.TrainStep);
    }

    [Fact]
    public void Elementwise_work_counts_per_element_and_the_optimizer_per_parameter()
    {
        var flops = FlopCount.Of(Spec("[linear: 4, tanh, linear: 1]", "clip: {norm: 1.0}", "{lr: 0.1, momentum: 0.9, weight_decay: 0.01}"), rows: 5);

        // linear 2→4 with bias, tanh on 4, linear 4→1 with bias, the loss on 1 output.
        Assert.Equal(2 * 5 * 2 * 4 + 5 * 4 + 5 * 4 + 2 * 5 * 4 * 1 + 5 * 1 + 3 * 5, flops.Forward);
        Assert.Equal(2 * 5 * 2 * 4 + 5 * 4 + 3 * 5 * 4 + 2 * (2 * 5 * 4 * 1) + 5 * 1 + 2 * 5, flops.Backward);
        Assert.Equal(17, FlopCount.ParameterCount(Spec("[linear: 4, tanh, linear: 1]")));
        // p − lr·g 2, weight decay 2, momentum 3, clipping by norm 3.
        Assert.Equal(17 * (2 + 2 + 3 + 3), flops.Step);
    }

    [Fact]
    public void A_convolution_counts_its_products_from_its_catalogue_row()
    {
        // [1, 2, 1] → conv2d 3 channels, kernel 2×1 → [3, 1, 1]: 2·in·kh·kw = 4 per output, 3 outputs; then linear 3 → 1.
        var flops = FlopCount.Of(Spec("[unflatten: [1, 2, 1], {conv2d: {out: 3, kernel: [2, 1], bias: false}}, flatten, linear: {out: 1, bias: false}]"), rows: 10);

        Assert.Equal(10 * 3 * 4 + 2 * 10 * 3 * 1 + 3 * 10, flops.Forward);
        // the convolution is the first layer with parameters: its weight gradient, no input gradient, nothing before it
        Assert.Equal(10 * 3 * 4 + 2 * (2 * 10 * 3 * 1) + 2 * 10, flops.Backward);
        Assert.Equal(2 * (6 + 3), flops.Step);
    }

    [Fact]
    public void A_linear_layer_on_a_sequence_counts_its_products_at_every_position_and_a_residual_its_sum()
    {
        var mark = new SourceMark("flops.yaml", 1, 1);
        // [T = 11, 12] → [11, 48]: 2·12·48 products and 48 biases per position
        var linear = FlopCount.PerSample(new LinearLayer(1, 12, 48, true, mark), [11, 12], [11, 48]);
        Assert.Equal(new OpCost(11 * (2 * 12 * 48 + 48), 11 * (2 * 12 * 48 + 48), 11 * 2 * 12 * 48), linear);
        Assert.Equal(new OpCost(132, 0, 132), FlopCount.PerSample(new ResidualLayer(3, 2, mark), [11, 12], [11, 12]));
    }

    [Fact]
    public void Gflops_divide_the_count_by_the_time()
    {
        var flops = new FlopCount(1_000_000, 2_000_000, 0);
        Assert.Equal(3.0, flops.GflopsAt(1.0), 12);
        Assert.Equal(0, flops.GflopsAt(0));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public void The_growth_exponent_of_an_exact_power_law_is_its_power(double power)
    {
        double[] sizes = [64, 128, 256, 512, 1024];
        var times = sizes.Select(x => 0.003 * Math.Pow(x, power)).ToArray();

        Assert.Equal(power, GrowthExponent.Fit(sizes, times), 10);
    }

    [Fact]
    public void The_growth_exponent_of_noisy_times_is_the_least_squares_slope_on_the_log_scale()
    {
        // log t = log 2 + 1.5·log x, each point off by a factor e^±0.05 that cancels in pairs around the middle.
        double[] sizes = [10, 100, 1000, 10000];
        double[] noise = [0.05, -0.05, -0.05, 0.05];
        var times = sizes.Select((x, i) => 2 * Math.Pow(x, 1.5) * Math.Exp(noise[i])).ToArray();

        Assert.Equal(1.5, GrowthExponent.Fit(sizes, times), 10);
    }

    [Fact]
    public void A_growth_exponent_needs_two_sizes_and_positive_times()
    {
        Assert.Throws<ArgumentException>(() => GrowthExponent.Fit([64, 64], [1, 2]));
        Assert.Throws<ArgumentException>(() => GrowthExponent.Fit([64, 128], [1, 0]));
        Assert.Throws<ArgumentException>(() => GrowthExponent.Fit([64, 128], [1]));
    }

    [Fact]
    public void Quartiles_and_the_median_of_the_samples()
    {
        var timing = PhaseTiming.Of([5, 1, 4, 2, 3]);

        Assert.Equal(3, timing.MedianMs);
        Assert.True(timing.LowerQuartileMs is >= 1.5 and <= 2);
        Assert.True(timing.UpperQuartileMs is >= 4 and <= 4.5);
        Assert.Equal(timing.UpperQuartileMs - timing.LowerQuartileMs, timing.IqrMs);
    }

    [Fact]
    public void A_width_sweep_resizes_every_hidden_linear_layer_and_keeps_the_output()
    {
        var spec = Spec("[linear: 25, relu, linear: 25, relu, linear: 1]");

        var wide = ScalingSweep.Vary(spec, SweepParameter.Width, 64);

        Assert.Equal([(2, 64), (64, 64), (64, 1)], wide.LinearLayers.Select(l => (l.In, l.Out)));
        Assert.Equal(["0.weight", "2.weight", "4.weight"], wide.LinearLayers.Select(l => l.WeightName));
        Assert.Equal(spec.Model.Count, wide.Model.Count);
        Assert.Equal(64, ScalingSweep.Vary(spec, SweepParameter.Batch, 64).Train.Batch);
        Assert.Throws<ArgumentOutOfRangeException>(() => ScalingSweep.Vary(spec, SweepParameter.Batch, 0));
    }

    [Fact]
    public void A_sweep_measures_each_size_and_fits_both_engines()
    {
        var spec = Spec("[linear: 8, relu, linear: 1]");
        // Stand-in measurements: the engine linear in the batch, the twin a constant plus linear.
        var result = ScalingSweep.Run(spec, SweepParameter.Batch, [100, 1000, 10000], variant =>
            Result(variant, engineMs: variant.Train.Batch * 0.001, twinMs: 0.5 + variant.Train.Batch * 0.001));

        Assert.Equal([100, 1000, 10000], result.Points.Select(p => p.Value));
        Assert.Equal(1.0, result.EngineExponent, 10);
        Assert.InRange(result.TwinExponent, 0.1, 0.9);
    }

    [Fact]
    public void Targets_compare_the_ratio_and_the_engine_s_bytes_with_the_spec_s_limits()
    {
        var spec = Spec("[linear: 1]", "bench: {max_ratio: 0.5, max_alloc_bytes: 0}");

        var passed = BenchTargets.Check(Result(spec, engineMs: 1, twinMs: 2));
        var missed = BenchTargets.Check(Result(spec, engineMs: 1.5, twinMs: 2, engineBytes: 24));

        Assert.Equal(["max_ratio", "max_alloc_bytes"], passed.Select(t => t.Name));
        Assert.All(passed, t => Assert.True(t.Passed));
        Assert.All(missed, t => Assert.False(t.Passed));
        Assert.Equal(0.75, missed[0].Measured);
        Assert.Equal(24, missed[1].Measured);
        Assert.Empty(BenchTargets.Check(Result(Spec("[linear: 1]"), engineMs: 9, twinMs: 1)));
    }

    [Fact]
    public void An_engine_whose_bytes_were_not_counted_is_judged_on_the_ratio_alone()
    {
        var spec = Spec("[linear: 1]", "bench: {max_ratio: 0.5, max_alloc_bytes: 0}");

        var targets = BenchTargets.Check(Result(spec, engineMs: 1, twinMs: 2, engineBytes: null));

        Assert.Equal(["max_ratio"], targets.Select(t => t.Name));
    }

    static BenchmarkResult Result(ParitySpec spec, double engineMs, double twinMs, double? engineBytes = 0)
    {
        var flops = FlopCount.Of(spec, spec.Train.Batch);
        BackendTiming Timing(string name, double ms, double? bytes)
        {
            var phase = new PhaseTiming(ms, ms, ms);
            return new BackendTiming(name, phase, phase, phase, phase, bytes, flops.GflopsAt(ms), 1, true, bytes is null ? TimingSource.Engine : TimingSource.Phases);
        }
        return new BenchmarkResult(spec, spec.Train.Batch, flops, Timing("engine", engineMs, engineBytes), Timing("twin", twinMs, 0));
    }
}
