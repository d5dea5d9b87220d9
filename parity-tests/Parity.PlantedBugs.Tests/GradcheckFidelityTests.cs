using Parity.Engine;
using Parity.Harness.Checks;
using Parity.PlantedBugs.Tests.Bugs;
using Parity.Spec;

namespace Parity.PlantedBugs.Tests;

/// <summary>
/// The finite-difference check beyond one comparison: a backward that differs between two calls on the
/// same input is reported as nondeterministic with its size, a backward that is not linear in the
/// upstream gradient is named with its layer, tensor and size, and a fast-mode failure is re-checked
/// coordinate by coordinate on the tensors it involves.
/// </summary>
public class GradcheckFidelityTests
{
    /// <summary>Over 4096 parameters, so that finite differences run in fast mode.</summary>
    const string Wide = """
        name: wide-disk
        seed: 5
        data: {source: disk, train: 64, test: 16}
        model: [{linear: 64}, tanh, {linear: 64}, tanh, {linear: 2}]
        loss: cross-entropy
        optimizer: {sgd: {lr: 0.1}}
        train: {epochs: 1, batch: 16}
        """;

    const string Small = """
        name: small-disk
        seed: 5
        data: {source: disk, train: 64, test: 16}
        model: [{linear: 4}, tanh, {linear: 2}]
        loss: cross-entropy
        optimizer: {sgd: {lr: 0.1}}
        train: {epochs: 1, batch: 16}
        """;

    /// <summary>The engine with one gradient edited after each backward.</summary>
    sealed class EditedGradients(IBackend inner, Func<int, HostTensor, HostTensor> edit) : IBackend
    {
        int _calls;

        public string Name => inner.Name;
        public IReadOnlyList<HostTensor> GetParameters() => inner.GetParameters();
        public void SetParameters(IReadOnlyList<HostTensor> parameters) => inner.SetParameters(parameters);
        public IReadOnlyList<HostTensor> Forward(Batch batch) => inner.Forward(batch);
        public Gradients ComputeGradients(Batch batch)
        {
            var gradients = inner.ComputeGradients(batch);
            var call = ++_calls;
            return gradients with { Parameters = [.. gradients.Parameters.Select(g => edit(call, g))] };
        }
        public void Step() => inner.Step();
        public double TrainStep(Batch batch) => inner.TrainStep(batch);
        public Evaluation Evaluate(Batch batch) => inner.Evaluate(batch);
        public void EndEpoch() => inner.EndEpoch();
        public void Dispose() => inner.Dispose();
    }

    static BackendFactory Edited(Func<int, HostTensor, HostTensor> edit) => (model, initial) => new EditedGradients(EngineBackend.Create(model, initial), edit);

    static HostTensor Scaled(HostTensor tensor, double factor) => tensor with { Data = [.. tensor.Data.Select(v => v * factor)] };

    [Fact]
    public void A_backward_that_differs_between_two_calls_fails_as_nondeterministic_with_its_size()
    {
        // Every other backward moves 0.weight by a relative 1e-12, far inside every tolerance.
        var result = ParityCheck.Run(SpecLoader.Parse(Small, "small.yaml"), Edited((call, g) => g.Name == "0.weight" && call % 2 == 0 ? Scaled(g, 1 + 1e-12) : g));

        Assert.False(result.EngineGradcheck.Passed);
        Assert.InRange(result.EngineGradcheck.Nondeterminism, 1e-16, 1e-11);
        Assert.Equal(0, result.TwinGradcheck.Nondeterminism);
        Assert.True(result.TwinGradcheck.Passed);
        Assert.Contains(result.Diagnosis, line => line.StartsWith("the engine's backward is nondeterministic: two backwards on the same input and parameters differ by up to ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_engine_and_TorchSharp_are_deterministic()
    {
        var result = ParityCheck.Run(SpecLoader.Parse(Small, "small.yaml"), EngineBackend.Create);

        Assert.Equal(0, result.EngineGradcheck.Nondeterminism);
        Assert.Equal(0, result.TwinGradcheck.Nondeterminism);
        Assert.True(result.Passed);
    }

    [Fact]
    public void A_backward_with_a_term_that_ignores_the_upstream_gradient_fails_linearity_with_its_size()
    {
        var bug = Catalogue.All.Single(b => b.Name == "weight-decay-in-backward");
        var spec = SpecLoader.Parse(bug.Spec, "weight-decay-in-backward.yaml");

        var result = ParityCheck.Run(spec, (model, initial) => new EngineBackend<double>(model, initial, bug.Parts));

        var linearity = Assert.IsType<BackwardLinearity>(result.EngineGradcheck.Linearity);
        Assert.False(result.EngineGradcheck.Passed);
        // The term is 0.01·W whatever dL/dY is: a zero upstream gradient leaves it, a doubled one does not double it.
        var largest = 0.01 * result.InitialParameters.Single(p => p.Name == "0.weight").Data.Max(Math.Abs);
        var zero = Assert.Single(linearity.Failures, f => f is { Layer: 0, Tensor: "0.weight", Zero: true });
        Assert.Equal(largest, zero.Size, 1e-15);
        Assert.Contains(linearity.Failures, f => f is { Layer: 0, Tensor: "0.weight", Zero: false });
        Assert.All(linearity.Failures, f => Assert.EndsWith(".weight", f.Tensor, StringComparison.Ordinal));
        Assert.True(result.TwinGradcheck.Linearity!.Passed);
        Assert.True(result.TwinGradcheck.Passed);
    }

    [Fact]
    public void The_engine_and_TorchSharp_are_linear_in_the_upstream_gradient()
    {
        var result = ParityCheck.Run(SpecLoader.Parse(Small, "small.yaml"), EngineBackend.Create);

        foreach (var check in new[] { result.EngineGradcheck, result.TwinGradcheck })
        {
            var linearity = Assert.IsType<BackwardLinearity>(check.Linearity);
            Assert.Null(linearity.Unavailable);
            Assert.Empty(linearity.Failures);
        }
    }

    [Fact]
    public void An_engine_without_ILayerProbe_is_checked_with_re_sync_and_linearity_not_available()
    {
        var result = ParityCheck.Run(SpecLoader.Parse(Small, "small.yaml"), Edited((_, g) => g.Name == "0.bias" ? Scaled(g, 2) : g));

        Assert.Contains("does not implement ILayerProbe", result.EngineGradcheck.Linearity!.Unavailable, StringComparison.Ordinal);
        Assert.False(result.Resync.Available);
        Assert.Contains(result.Diagnosis, line => line.StartsWith("re-sync was not available: engine does not implement ILayerProbe", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fast_mode_failure_is_rechecked_coordinate_by_coordinate_on_the_tensors_it_involves()
    {
        var result = ParityCheck.Run(SpecLoader.Parse(Wide, "wide.yaml"), Edited((_, g) => g.Name == "4.bias" ? Scaled(g, 1.5) : g));

        var check = result.EngineGradcheck;
        Assert.Equal("fast", check.Mode);
        Assert.False(check.Passed);
        var full = Assert.IsType<FullModeRecheck>(check.FullMode);
        Assert.Contains("4.bias", full.Tensors);
        Assert.True(full.Failed > 0);
        Assert.Null(result.TwinGradcheck.FullMode);
        Assert.Contains(result.Diagnosis, line => line.StartsWith("finite differences in fast mode failed; full mode on ", StringComparison.Ordinal) && line.Contains("4.bias") && line.Contains(" fails at "));
    }

    [Fact]
    public void A_passing_fast_mode_check_needs_no_recheck()
    {
        var result = ParityCheck.Run(SpecLoader.Parse(Wide, "wide.yaml"), EngineBackend.Create);

        Assert.Equal("fast", result.EngineGradcheck.Mode);
        Assert.True(result.EngineGradcheck.Passed);
        Assert.Null(result.EngineGradcheck.FullMode);
    }
}
