namespace Parity.Spec.Tests;

/// <summary>A valid spec loads to exactly the values it states, and to torch's defaults where it states none.</summary>
public class ValidSpecTests
{
    const string FullSpec = """
        name: full-spec-1
        description: every key of the format
        seed: 12345
        dtype: float32
        data:
          source: disk
          train: 200
          test: 50
          validation: 0.25
        model:
          - linear: {out: 8, bias: false}
          - {leaky-relu: {slope: 0.2}}
          - linear: 6
          - tanh
          - linear: 2
          - identity
        init: {normal: {std: 0.05}}
        loss: {kind: mse, reduction: sum}
        targets: one-hot
        optimizer:
          sgd: {lr: 0.05, momentum: 0.9, dampening: 0, weight_decay: 0.0001, nesterov: true}
        schedule: {step: {size: 10, gamma: 0.5}}
        clip: {value: 0.5}
        train: {epochs: 3, batch: 20, shuffle: false}
        tolerance:
          gradient: {atol: 1.0e-12, rtol: 1.0e-9}
          gradcheck: {eps: 1.0e-6, atol: 1.0e-5, rtol: 1.0e-3}
        expect: {test_accuracy: 0.9, train_loss: 0.1}
        bench: {max_ratio: 0.5, max_alloc_bytes: 0}
        """;

    static SourceMark At(int line, int column) => new(SpecText.File, line, column);

    [Fact]
    public void Every_key_of_the_format_loads_to_its_value()
    {
        var spec = SpecText.Parse(FullSpec);

        Assert.Equal("full-spec-1", spec.Name);
        Assert.Equal("every key of the format", spec.Description);
        Assert.Equal(12345, spec.Seed);
        Assert.Equal(DType.Float32, spec.DType);
        Assert.Equal(new DataSpec(DataSource.Disk, 200, 50, 0.25, null, null, null), spec.Data);
        Assert.Equal(new DataShape(2, 2, 1), spec.Shape);
        Assert.Equal<LayerSpec>(
        [
            new LinearLayer(0, 2, 8, false, At(11, 5)),
            new OpLayer(1, LayerOps.Of("leaky-relu"), new OpSettings(new() { ["negative_slope"] = 0.2 }), At(12, 6)),
            new LinearLayer(2, 8, 6, true, At(13, 5)),
            new OpLayer(3, LayerOps.Of("tanh"), OpSettings.None, At(14, 5)),
            new LinearLayer(4, 6, 2, true, At(15, 5)),
            new OpLayer(5, LayerOps.Of("identity"), OpSettings.None, At(16, 5)),
        ], spec.Model);
        Assert.Equal(new InitSpec(InitKind.Normal, Std: 0.05), spec.Init);
        Assert.Equal(new LossSpec(LossKind.Mse, Reduction.Sum, OpSettings.None), spec.Loss);
        Assert.True(spec.OneHotTargets);
        Assert.Equal(OptimizerOps.Of("sgd").With(new() { ["lr"] = 0.05, ["momentum"] = 0.9, ["weight_decay"] = 0.0001, ["nesterov"] = true }), spec.Optimizer);
        Assert.Equal(new ScheduleSpec(ScheduleKind.Step, 0.5, 10), spec.Schedule);
        Assert.Equal(new ClipSpec(ClipKind.Value, 0.5), spec.Clip);
        Assert.Equal(new TrainingSpec(3, 20, false), spec.Train);
        Assert.Equal(new ToleranceSpec(new Tolerance(1e-12, 1e-9), new GradcheckTolerance(1e-6, 1e-5, 1e-3)), spec.Tolerance);
        Assert.Equal(new ExpectSpec(0.9, null, 0.1), spec.Expect);
        Assert.Equal(new BenchSpec(0.5, 0), spec.Bench);
        Assert.Equal(SpecText.File, spec.SourcePath);
        Assert.Equal(2, spec.OutputWidth);
    }

    [Fact]
    public void A_loss_option_reaches_the_model_description_beside_the_reduction()
    {
        var spec = SpecText.ParseWith("data: {source: quadratic, train: 10}\nmodel: [linear: 1]\nloss: {kind: smooth-l1, reduction: sum, beta: 0.5}");

        Assert.Equal(new LossSpec(LossKind.SmoothL1, Reduction.Sum, new OpSettings(new() { ["beta"] = 0.5 })), spec.Loss);
        var loss = ModelDescriptions.Describe(spec).Loss;
        Assert.Equal(("smooth-l1", 0.5, "sum"), (loss.Kind, loss.Number("beta"), loss.Word("reduction", "mean")));
    }

    [Fact]
    public void A_loss_option_left_out_takes_PyTorchs_default()
    {
        var spec = SpecText.ParseWith("data: {source: quadratic, train: 10}\nmodel: [linear: 1]\nloss: huber");

        Assert.Equal(1.0, ModelDescriptions.Describe(spec).Loss.Number("delta"));
    }

    [Fact]
    public void Optional_keys_take_the_documented_defaults()
    {
        var spec = SpecText.Parse(SpecText.Valid);

        Assert.Equal("", spec.Description);
        Assert.Equal(DType.Float64, spec.DType);
        Assert.Equal(new DataSpec(DataSource.Disk, 10, 1000, 0, null, null, null), spec.Data);
        Assert.Equal(new InitSpec(InitKind.TorchDefault), spec.Init);
        Assert.Equal(new LossSpec(LossKind.Bce, Reduction.Mean, OpSettings.None), spec.Loss);
        Assert.False(spec.OneHotTargets);
        Assert.Equal(OptimizerOps.Of("sgd").With(new() { ["lr"] = 0.1 }), spec.Optimizer);
        Assert.Null(spec.Schedule);
        Assert.Null(spec.Clip);
        Assert.Equal(new TrainingSpec(1, 5, true), spec.Train);
        Assert.Equal(new ToleranceSpec(null, null), spec.Tolerance);
        Assert.Equal(ExpectSpec.None, spec.Expect);
        Assert.Null(spec.Bench);
    }

    [Theory]
    [InlineData("bench: {max_ratio: 1.05}", 1.05, null)]
    [InlineData("bench: {max_alloc_bytes: 64}", null, 64L)]
    public void A_bench_block_may_set_either_target(string line, double? ratio, long? bytes) =>
        Assert.Equal(new BenchSpec(ratio, bytes), SpecText.ParseWith(line).Bench);

    [Theory]
    [InlineData("init: torch-default", InitKind.TorchDefault, 0, 0, 0)]
    [InlineData("init: xavier-uniform", InitKind.XavierUniform, 0, 0, 0)]
    [InlineData("init: xavier-normal", InitKind.XavierNormal, 0, 0, 0)]
    [InlineData("init: kaiming-uniform", InitKind.KaimingUniform, 0, 0, 0)]
    [InlineData("init: kaiming-normal", InitKind.KaimingNormal, 0, 0, 0)]
    [InlineData("init: {normal: {std: 0.3}}", InitKind.Normal, 0.3, 0, 0)]
    [InlineData("init: {uniform: {low: -0.5, high: 0.25}}", InitKind.Uniform, 0, -0.5, 0.25)]
    public void Init_schemes_load_with_their_settings(string line, InitKind kind, double std, double low, double high) =>
        Assert.Equal(new InitSpec(kind, std, low, high), SpecText.ParseWith(line).Init);

    [Fact]
    public void Exponential_schedule_and_norm_clip_load()
    {
        var spec = SpecText.ParseWith("schedule: {exponential: {gamma: 0.99}}\nclip: {norm: 5}");
        Assert.Equal(new ScheduleSpec(ScheduleKind.Exponential, 0.99), spec.Schedule);
        Assert.Equal(new ClipSpec(ClipKind.Norm, 5), spec.Clip);
    }
}
