using System.Text.Json;
using Parity.Harness.Comparison;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;

namespace Parity.Cli.Tests;

/// <summary>A training that blows up is named as such — the step, the parameter, the engines — and a NaN never matches anything, not even a NaN.</summary>
[Collection(TwinInThisProcessCollection.Name)]
public class NumericalFaultTests
{
    // A learning rate of a million: the weights overflow within a few steps, in both engines alike.
    const string BlowUp = """
        name: blow-up
        seed: 3
        data: {source: disk, train: 200, test: 100}
        model: [linear: 16, relu, linear: 16, relu, linear: 1]
        loss: mse
        optimizer: {sgd: {lr: 1000000, momentum: 0.9}}
        train: {epochs: 2, batch: 20}
        """;

    const string Where = "diverged to NaN/Inf at step 4 (epoch 1) in parameter 2.weight, layer 2 (linear)";

    [Fact]
    public void Training_both_engines_reports_the_step_and_parameter_and_exits_1()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("train", temp.File("blow-up.yaml", BlowUp), "--json", temp["out.json"]);

        Assert.True(exit == 1, error + output);
        Assert.Contains($"verdict: {Where}, in both engines: the training itself blows up; lower the learning rate", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["out.json"]));
        var spec = json.RootElement.GetProperty("specs")[0];
        Assert.False(spec.GetProperty("passed").GetBoolean());
        Assert.StartsWith(Where, spec.GetProperty("verdict").GetString());
        Assert.Equal(4, spec.GetProperty("first_divergence").GetProperty("step").GetInt32());
        Assert.Equal("2.weight", spec.GetProperty("first_divergence").GetProperty("parameter").GetString());
        Assert.Equal(["engine", "twin"], spec.GetProperty("non_finite").GetProperty("backends").EnumerateArray().Select(b => b.GetString()));
    }

    [Theory]
    [InlineData("engine")]
    [InlineData("reference")]
    public void Each_side_alone_reports_the_same_step_and_parameter(string side)
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("train", temp.File("blow-up.yaml", BlowUp), "--side", side);

        Assert.True(exit == 1, error + output);
        Assert.Contains($"verdict: {side} alone: {Where}", output);
    }

    [Fact]
    public void Checking_reports_the_blow_up_in_words_and_exits_1()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("check", temp.File("blow-up.yaml", BlowUp));

        Assert.True(exit == 1, error + output);
        Assert.Equal("", error);
        Assert.Contains("the parameters become NaN/Inf after update 4 of 4, first in 2.weight, in both engines (TorchSharp's too): the spec's training itself blows up", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Theory]
    [InlineData(double.NaN, double.NaN)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity, double.NegativeInfinity)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(1.0, double.PositiveInfinity)]
    public void A_non_finite_element_fails_the_comparison_even_against_itself(double value, double reference)
    {
        var difference = TensorComparison.Compare(new HostTensor("t", [2], [1.0, value]), new HostTensor("t", [2], [1.0, reference]), new Tolerance(1, 1), DType.Float64);

        Assert.False(difference.Passed);
        Assert.Equal(1, difference.Worst);
        Assert.True(difference.HasNonFinite);
    }

    /// <summary>The same NaN planted in both engines, or in one, at the end of step 2: lockstep never calls it identical.</summary>
    [Theory]
    [InlineData(true, true, new[] { "engine", "twin" })]
    [InlineData(true, false, new[] { "engine" })]
    [InlineData(false, true, new[] { "twin" })]
    public void A_NaN_in_lockstep_is_a_divergence_wherever_it_is(bool inEngine, bool inTwin, string[] backends)
    {
        var spec = SpecLoader.Parse(BlowUp.Replace("lr: 1000000", "lr: 0.01"), "small.yaml");
        var initial = InitialParameters.Create(spec);
        var model = ModelDescriptions.Describe(spec);
        using var engine = Backends.Resolve(Backends.Builtin).Create(model, initial);
        using var twin = Backends.Reference(model, initial);
        var step = 0;

        var result = new LockstepTrainer(spec, DatasetLoader.Load(spec)).Train(engine, twin, () =>
        {
            if (++step != 2)
                return;
            foreach (var backend in new[] { inEngine ? engine : null, inTwin ? twin : null }.OfType<IBackend>())
                backend.SetParameters(backend.GetParameters().Select(p => p.Name == "2.bias" ? p with { Data = p.Data.Select(_ => double.NaN).ToArray() } : p).ToList());
        });

        Assert.False(result.Identical);
        var nonFinite = Assert.IsType<NonFinite>(result.NonFinite);
        Assert.Equal(backends, nonFinite.Backends);
        Assert.Equal(3, nonFinite.Step);
        Assert.Equal(3, result.FirstDivergence!.Step);
        Assert.StartsWith("diverged to NaN/Inf at step 3 (epoch 1)", result.FirstDivergence.Reason);
        Assert.True(result.Steps[1].RelativeDrift <= RoundingBound.At(DType.Float64, 2), "the engines agreed up to step 2");
    }
}
