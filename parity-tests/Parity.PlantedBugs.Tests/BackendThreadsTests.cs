using Parity.Engine;
using Parity.Harness.Checks;
using Parity.Harness.Concurrency;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.PlantedBugs.Tests;

/// <summary>
/// Which threads the harness calls the backends on. A TorchSharp twin is not safe beside another thread that
/// runs managed code: a garbage collection that thread starts can free, mid-call, a native scalar TorchSharp
/// made for the twin (TorchRuntime.Gate's remarks). So the check, and lockstep training in turn, make every call
/// on the calling thread; at once, lockstep training steps and evaluates the engine, and the check takes its finite
/// differences, on a thread of its own while the twin does on the calling one, with no collection meanwhile — and the
/// same results as in turn, bit for bit.
/// </summary>
public class BackendThreadsTests
{
    static readonly ParitySpec ThreeLayers = SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "specs", "disk-three-layers.yaml"));
    static readonly ParitySpec Spec = ThreeLayers with { Train = ThreeLayers.Train with { Epochs = 6 } };

    [Fact]
    public void The_check_calls_the_engine_and_the_twin_on_the_calling_thread_alone()
    {
        var calls = new CallThreads();
        new CheckRunner(calls.Around(EngineBackend.Create), calls.Around(ParityCheck.Twin)).Run(Spec, DatasetLoader.Load(Spec), ParityCheck.Initial(Spec));
        calls.AssertAllOnThisThread();
    }

    [Fact]
    public void The_check_at_once_takes_the_engines_finite_differences_elsewhere_and_the_twins_here_with_no_collection_meanwhile_and_the_results_in_turn()
    {
        // An engine that allocates a megabyte an evaluation: the check's hundreds of loss probes start collections unless held off.
        // Each sleeps a millisecond, so that two made at once overlap however the threads are scheduled (without it, a busy
        // machine saw 91 of them overlap where the test asks for more than 100).
        var calls = new CallThreads { GarbagePerEvaluate = 1 << 20, SleepPerEvaluate = 1 };
        var data = DatasetLoader.Load(Spec);
        var atOnce = new CheckRunner(calls.Around(EngineBackend.Create), calls.Around(ParityCheck.Twin), atOnce: true).Run(Spec, data, ParityCheck.Initial(Spec));
        var inTurn = new CheckRunner(EngineBackend.Create, ParityCheck.Twin).Run(Spec, data, ParityCheck.Initial(Spec));

        Assert.DoesNotContain(Environment.CurrentManagedThreadId, calls.ThreadsOf("engine", nameof(IBackend.Evaluate)));
        Assert.Equal([Environment.CurrentManagedThreadId], calls.ThreadsOf("twin"));
        Assert.True(calls.Overlapping.Count(c => c.Call == nameof(IBackend.Evaluate)) > 100, $"{calls.Overlapping.Count} calls overlapped");
        Assert.Empty(calls.Collected);
        foreach (var (first, second) in new[] { (atOnce.EngineGradcheck, inTurn.EngineGradcheck), (atOnce.TwinGradcheck, inTurn.TwinGradcheck) })
        {
            Assert.Equal((second.Passed, second.Mode, second.Checked, second.Kinks, second.MaxRelErr, second.Nondeterminism), (first.Passed, first.Mode, first.Checked, first.Kinks, first.MaxRelErr, first.Nondeterminism));
            Assert.Equal(second.Failures, first.Failures);
        }
    }

    [Fact]
    public void Lockstep_training_in_turn_and_its_evaluations_call_the_engine_and_the_twin_on_the_calling_thread_alone()
    {
        var calls = new CallThreads();
        Lockstep(calls, atOnce: false);
        calls.AssertAllOnThisThread();
    }

    [Fact]
    public void Lockstep_training_at_once_steps_and_evaluates_the_engine_elsewhere_and_the_twin_here_with_no_collection_meanwhile_and_the_results_of_training_in_turn()
    {
        // An engine that allocates a megabyte a step: a hundred steps start collections unless the harness holds them off.
        var calls = new CallThreads { GarbagePerStep = 1 << 20, SleepPerStep = 2 };
        var (atOnce, inTurn) = AtOnceAndInTurn(calls);

        Assert.True(atOnce.Steps.Count > 100, $"only {atOnce.Steps.Count} steps");
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, calls.ThreadsOf("engine", nameof(IBackend.TrainStep)));
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, calls.ThreadsOf("engine", nameof(IBackend.Evaluate)));
        Assert.Equal([Environment.CurrentManagedThreadId], calls.ThreadsOf("twin"));
        Assert.Equal(2, calls.MostAtOnce);
        Assert.Empty(calls.Collected);
        Assert.Equal(inTurn.Steps, atOnce.Steps);
        Assert.Equal(inTurn.Engine, atOnce.Engine);
        Assert.Equal(inTurn.Twin, atOnce.Twin);
    }

    [Fact]
    public void An_engine_that_allocates_past_half_the_budget_a_step_is_stepped_in_turn_with_the_same_results()
    {
        // Evaluations sleep too, so that those made at once overlap however the threads are scheduled (a busy machine saw none).
        var calls = new CallThreads { GarbagePerStep = (int)AtOnceCalls.AllocationBudget, SleepPerStep = 2, SleepPerEvaluate = 1 };
        var (atOnce, inTurn) = AtOnceAndInTurn(calls);

        Assert.DoesNotContain(calls.Overlapping, c => c.Call == nameof(IBackend.TrainStep));
        Assert.Contains(calls.Overlapping, c => c.Call == nameof(IBackend.Evaluate));
        Assert.Equal(inTurn.Steps, atOnce.Steps);
    }

    [Fact]
    public void The_first_step_after_an_evaluation_is_taken_in_turn_so_an_engine_remaking_its_buffers_starts_no_collection_beside_the_twin()
    {
        // As the built-in engine on one thread does: an epoch's evaluation chunks resize its layers' buffers, and the step
        // after them resizes them back, past the budget (a CNN's: some 20 MB).
        var calls = new CallThreads { GarbageAfterEvaluate = (int)AtOnceCalls.AllocationBudget, SleepPerStep = 2 };
        var (atOnce, inTurn) = AtOnceAndInTurn(calls);

        Assert.Equal(Spec.Train.Epochs - 1, calls.Count("engine", CallThreads.StepAfterEvaluate));
        Assert.DoesNotContain(calls.Overlapping, c => c.Call == CallThreads.StepAfterEvaluate);
        Assert.Contains(calls.Overlapping, c => c.Call == nameof(IBackend.TrainStep));
        Assert.Empty(calls.Collected);
        Assert.Equal(inTurn.Steps, atOnce.Steps);
        Assert.Equal(inTurn.Engine, atOnce.Engine);
    }

    [Fact]
    public void An_engine_failing_at_once_is_told_by_its_own_exception_after_the_twin_has_finished_its_step()
    {
        var model = ModelDescriptions.Describe(Spec);
        var initial = ParityCheck.Initial(Spec);
        var calls = new CallThreads();
        using var engine = new FailingAt(5, EngineBackend.Create(model, initial));
        using var twin = calls.Around(ParityCheck.Twin)(model, initial);

        var failure = Assert.Throws<InvalidOperationException>(() => new LockstepTrainer(Spec, DatasetLoader.Load(Spec), atOnce: true).Train(engine, twin));

        Assert.Equal("planted failure at step 5", failure.Message);
        Assert.Equal(5, calls.Count("twin", nameof(IBackend.TrainStep)));
    }

    /// <summary>The same lockstep run at once, its calls recorded by <paramref name="calls"/>, and in turn, for its results to compare with.</summary>
    static (LockstepResult AtOnce, LockstepResult InTurn) AtOnceAndInTurn(CallThreads calls) => (Lockstep(calls, atOnce: true), Lockstep(new CallThreads(), atOnce: false));

    static LockstepResult Lockstep(CallThreads calls, bool atOnce)
    {
        var model = ModelDescriptions.Describe(Spec);
        var initial = ParityCheck.Initial(Spec);
        using var engine = calls.Around(EngineBackend.Create)(model, initial);
        using var twin = calls.Around(ParityCheck.Twin)(model, initial);
        return new LockstepTrainer(Spec, DatasetLoader.Load(Spec), atOnce).Train(engine, twin);
    }

    /// <summary>An engine whose training step fails at step <paramref name="step"/>, and nothing else changed.</summary>
    sealed class FailingAt(int step, IBackend inner) : ForwardingBackend(inner)
    {
        int _steps;

        public override double TrainStep(Batch batch) => ++_steps == step ? throw new InvalidOperationException($"planted failure at step {step}") : Inner.TrainStep(batch);
    }
}
