using Parity.Engine;
using Parity.Harness.Shrinking;
using Parity.PlantedBugs.Tests.Bugs;
using Parity.Spec;
using Xunit.Abstractions;

namespace Parity.PlantedBugs.Tests;

/// <summary>
/// <c>parity shrink</c>'s search on planted bugs of each part of an engine — a layer's backward, a parameter
/// gradient, the loss, the optimizer — each run in-process on the built-in engine with the bug planted.
/// </summary>
public class ShrinkTests(ITestOutputHelper log)
{
    /// <summary>
    /// A layer, a parameter gradient, the loss, a batch-norm buffer, and two optimizers, one of them seen only in its state.
    /// The image bugs shrink too, but slowly: a convolution's (256 → 120 parameters) takes minutes, as every batch size below
    /// the one it keeps fails another way only after finite differences in full mode; max-pool's stops at 350 of 698, as the
    /// linear layer on the flattened image keeps its size (no reduction crops images).
    /// </summary>
    public static TheoryData<string> Bugs => new(
        "sigmoid-backward-missing-factor", "bias-gradient-averaged", "mse-gradient-missing-two", "momentum-as-velocity", "adam-without-bias-correction",
        "batch-norm-running-var-biased");

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Shrinking_a_planted_bug_halves_its_parameters_and_steps_and_keeps_its_failure(string name)
    {
        var bug = Catalogue.All.Single(b => b.Name == name);

        var shrunk = Shrink(bug);

        var summary = $"{name}: {shrunk.Before} → {shrunk.After} in {shrunk.Tries.Count} tries, {shrunk.Tries.Sum(t => t.Seconds):F1} s; removed {string.Join("; ", shrunk.Removed)}\n{shrunk.Yaml}";
        log.WriteLine(summary);
        foreach (var attempt in shrunk.Tries)
            log.WriteLine($"  {attempt.Number}. {attempt.Change}: {attempt.Outcome}{(attempt.Kept ? ", kept" : "")} ({attempt.Seconds:F2} s)");
        Assert.True(shrunk.After.Parameters * 2 <= shrunk.Before.Parameters, summary);
        Assert.True(shrunk.After.Steps * 2 <= shrunk.Before.Steps, summary);
        Assert.Null(shrunk.StoppedBy);
        // The shrunk spec, loaded and checked anew, fails as the original does.
        var original = ParityCheck.Run(SpecLoader.Parse(bug.Spec, $"{name}.yaml"), Engine(bug));
        var again = ParityCheck.Run(SpecLoader.Parse(shrunk.Yaml, $"{name}.yaml"), Engine(bug));
        Assert.False(again.Passed, summary);
        Assert.Equal(FailureIdentity.Of(original), FailureIdentity.Of(again));
    }

    /// <summary>
    /// Without a schedule, SGD's velocity form moves the parameters as PyTorch does and parts only in its momentum buffer:
    /// the reproduction freezes TorchSharp's state, which the standard engine matches after the replayed steps and the planted one does not.
    /// </summary>
    [Fact]
    public void An_optimizer_failure_is_frozen_with_the_optimizer_state_that_parts()
    {
        var bug = Catalogue.All.Single(b => b.Name == "momentum-as-velocity");
        var shrunk = Shrink(bug);

        var reproduction = Reproduction.Of(shrunk, "");

        var steps = Assert.IsType<int>(reproduction.Steps);
        Assert.Contains($"public void TheParametersAfterStep{steps}MatchTorchSharp()", reproduction.Test);
        var buffer = Assert.Single(reproduction.Expected, t => t.Name == "state.0.weight.momentum_buffer");
        Assert.Equal(buffer.Data, StateAfter(shrunk, EngineParts<double>.Standard, steps)["0.weight.momentum_buffer"].Data, (a, b) => Math.Abs(a - b) <= 1e-12);
        Assert.NotEqual(buffer.Data, StateAfter(shrunk, bug.Parts, steps)["0.weight.momentum_buffer"].Data, (a, b) => Math.Abs(a - b) <= 1e-12);
    }

    /// <summary>The optimizer state of an engine with <paramref name="parts"/> after <paramref name="steps"/> steps on the shrunk failure's batches.</summary>
    static Dictionary<string, HostTensor> StateAfter(ShrinkResult shrunk, EngineParts<double> parts, int steps)
    {
        var failure = shrunk.Failure;
        using var engine = new EngineBackend<double>(ModelDescriptions.Describe(failure.Spec), failure.InitialParameters, parts);
        for (var step = 1; step <= steps; step++)
        {
            engine.ComputeGradients(failure.Batches[(step - 1) % failure.Batches.Count]);
            engine.Step();
            engine.EndEpoch();
        }
        return engine.GetOptimizerState().ToDictionary(t => t.Name);
    }

    [Fact]
    public void Shrinking_twice_gives_the_same_spec_by_the_same_tries()
    {
        var bug = Catalogue.All.Single(b => b.Name == "momentum-as-velocity");

        var (first, second) = (Shrink(bug), Shrink(bug));

        Assert.Equal(first.Yaml, second.Yaml);
        Assert.Equal(first.Tries.Select(t => (t.Change, t.Kept, t.Outcome)), second.Tries.Select(t => (t.Change, t.Kept, t.Outcome)));
    }

    [Fact]
    public void The_budget_of_tries_stops_the_search_and_says_so()
    {
        var shrunk = Shrink(Catalogue.All.Single(b => b.Name == "bias-gradient-averaged"), new ShrinkBudget(MaxTries: 2));

        Assert.Equal(2, shrunk.Tries.Count);
        Assert.Equal("--max-tries 2", shrunk.StoppedBy);
    }

    [Fact]
    public void A_spec_the_engine_passes_is_refused_with_what_to_do()
    {
        var bug = Catalogue.All.Single(b => b.Name == "bias-gradient-averaged");

        var error = Assert.ThrowsAny<InputException>(() => Shrink(bug with { Parts = EngineParts<double>.Standard }));

        Assert.Contains("the engine passes every check on this spec, so there is no failure to shrink", error.Message);
    }

    static BackendFactory Engine(PlantedBug bug) => (model, initial) => new EngineBackend<double>(model, initial, bug.Parts);

    static ShrinkResult Shrink(PlantedBug bug, ShrinkBudget? budget = null)
    {
        var folder = Directory.CreateTempSubdirectory("parity-shrink-").FullName;
        try
        {
            var path = Path.Combine(folder, $"{bug.Name}.yaml");
            File.WriteAllText(path, bug.Spec);
            // No time limit but the tries: on a loaded machine the default 120 s would stop a search the tries let finish.
            return new Shrinker(Engine(bug), ParityCheck.Twin, ParityCheck.Initial).Run(path, budget ?? new ShrinkBudget(MaxSeconds: 3600));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
