using Parity.Engine;
using Parity.Harness.Checks;
using Parity.Harness.Training;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.PlantedBugs.Tests;

/// <summary>
/// The harness makes every call of both backends on the thread that called it, so never two at once. A
/// TorchSharp twin is not safe beside another thread that runs managed code: a garbage collection that
/// thread starts can free, mid-call, a native scalar TorchSharp made for the twin (TorchRuntime.Gate's
/// remarks). A harness that ran the backends' parts side by side would make some calls elsewhere.
/// </summary>
public class OneBackendAtATimeTests
{
    static readonly ParitySpec ThreeLayers = SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "specs", "disk-three-layers.yaml"));
    static readonly ParitySpec Spec = ThreeLayers with { Train = ThreeLayers.Train with { Epochs = 2 } };

    [Fact]
    public void The_check_calls_the_engine_and_the_twin_on_the_calling_thread_alone()
    {
        var calls = new CallThreads();
        new CheckRunner(calls.Around(EngineBackend.Create), calls.Around(ParityCheck.Twin)).Run(Spec, DatasetLoader.Load(Spec), ParityCheck.Initial(Spec));
        calls.AssertAllOnThisThread();
    }

    [Fact]
    public void Lockstep_training_and_its_evaluations_call_the_engine_and_the_twin_on_the_calling_thread_alone()
    {
        var calls = new CallThreads();
        var model = ModelDescriptions.Describe(Spec);
        var initial = ParityCheck.Initial(Spec);
        using var engine = calls.Around(EngineBackend.Create)(model, initial);
        using var twin = calls.Around(ParityCheck.Twin)(model, initial);
        new LockstepTrainer(Spec, DatasetLoader.Load(Spec)).Train(engine, twin);
        calls.AssertAllOnThisThread();
    }

    /// <summary>The threads that the calls of every backend it wraps were made on, and how many calls.</summary>
    sealed class CallThreads
    {
        readonly int _caller = Environment.CurrentManagedThreadId;
        readonly HashSet<int> _threads = [];
        int _calls;

        public BackendFactory Around(BackendFactory create) => (model, initial) => new Recorded(create(model, initial), this);

        public void AssertAllOnThisThread()
        {
            Assert.True(_calls > 100, $"only {_calls} calls recorded");
            Assert.Equal([_caller], _threads);
        }

        T Record<T>(Func<T> call)
        {
            lock (_threads)
            {
                _threads.Add(Environment.CurrentManagedThreadId);
                _calls++;
            }
            return call();
        }

        void Record(Action call) => Record(() => { call(); return 0; });

        sealed class Recorded(IBackend inner, CallThreads calls) : IBackend
        {
            public string Name => inner.Name;
            public IReadOnlyList<HostTensor> GetParameters() => calls.Record(inner.GetParameters);
            public void SetParameters(IReadOnlyList<HostTensor> parameters) => calls.Record(() => inner.SetParameters(parameters));
            public IReadOnlyList<HostTensor> Forward(Batch batch) => calls.Record(() => inner.Forward(batch));
            public Gradients ComputeGradients(Batch batch) => calls.Record(() => inner.ComputeGradients(batch));
            public void Step() => calls.Record(inner.Step);
            public double TrainStep(Batch batch) => calls.Record(() => inner.TrainStep(batch));
            public Evaluation Evaluate(Batch batch) => calls.Record(() => inner.Evaluate(batch));
            public void EndEpoch() => calls.Record(inner.EndEpoch);
            public void Dispose() => inner.Dispose();
        }
    }
}
