namespace Parity.PlantedBugs.Tests;

/// <summary>
/// The threads the calls of every backend it wraps were made on, by the backend's name and the call's, and the
/// garbage collections any of those calls saw happen between its start and its end.
/// </summary>
sealed class CallThreads
{
    readonly int _caller = Environment.CurrentManagedThreadId;
    readonly List<(string Backend, string Call, int Thread)> _calls = [];

    /// <summary>
    /// Calls that overlapped another wrapped call and saw a collection happen meanwhile: (backend, call) each time. A
    /// collection during a call with nothing beside it is the calling thread's own, which a twin survives.
    /// </summary>
    public List<(string Backend, string Call)> Collected { get; } = [];

    /// <summary>Managed bytes each wrapped TrainStep allocates before it steps, as an engine that allocates would.</summary>
    public int GarbagePerStep { get; init; }

    /// <summary>
    /// Managed bytes the first wrapped TrainStep after an Evaluate allocates before it steps, as an engine that remakes
    /// its layers' buffers for the batch's rows after an evaluation's chunks would.
    /// </summary>
    public int GarbageAfterEvaluate { get; init; }

    /// <summary>Managed bytes each wrapped Evaluate allocates before it evaluates.</summary>
    public int GarbagePerEvaluate { get; init; }

    /// <summary>Milliseconds each wrapped TrainStep sleeps before it steps: long enough for two taken at once to overlap.</summary>
    public int SleepPerStep { get; init; }

    /// <summary>Milliseconds each wrapped Evaluate sleeps before it evaluates, for the same reason.</summary>
    public int SleepPerEvaluate { get; init; }

    /// <summary>Calls that were in flight with another wrapped call at some time: (backend, call) each time.</summary>
    public List<(string Backend, string Call)> Overlapping { get; } = [];

    /// <summary>The call name a TrainStep that allocates <see cref="GarbageAfterEvaluate"/> is recorded under.</summary>
    public const string StepAfterEvaluate = "TrainStep after an Evaluate";

    /// <summary>The most calls that were in flight at one time.</summary>
    public int MostAtOnce { get; private set; }

    int _inFlight, _overlaps;

    public BackendFactory Around(BackendFactory create) => (model, initial) => new Recorded(create(model, initial), this);

    public IReadOnlyList<int> ThreadsOf(string backend, string? call = null)
    {
        lock (_calls)
            return [.. _calls.Where(c => c.Backend == backend && (call is null || c.Call == call)).Select(c => c.Thread).Distinct()];
    }

    public int Count(string backend, string call)
    {
        lock (_calls)
            return _calls.Count(c => c.Backend == backend && c.Call == call);
    }

    public void AssertAllOnThisThread()
    {
        lock (_calls)
        {
            Assert.True(_calls.Count > 100, $"only {_calls.Count} calls recorded");
            Assert.Equal([_caller], _calls.Select(c => c.Thread).Distinct());
        }
    }

    T Record<T>(string backend, string call, Func<T> work)
    {
        int overlapsBefore, collections;
        bool besideAnother;
        lock (_calls)
        {
            _calls.Add((backend, call, Environment.CurrentManagedThreadId));
            besideAnother = _inFlight > 0;
            if (besideAnother)
                _overlaps++;
            MostAtOnce = Math.Max(MostAtOnce, ++_inFlight);
            (overlapsBefore, collections) = (_overlaps, GC.CollectionCount(0));
        }
        var result = work();
        lock (_calls)
        {
            if (besideAnother || _overlaps != overlapsBefore)
            {
                Overlapping.Add((backend, call));
                if (GC.CollectionCount(0) != collections)
                    Collected.Add((backend, call));
            }
            _inFlight--;
        }
        return result;
    }

    void Record(string backend, string call, Action work) => Record(backend, call, () => { work(); return 0; });

    sealed class Recorded(IBackend inner, CallThreads calls) : IBackend
    {
        bool _evaluated;

        public string Name => inner.Name;
        public IReadOnlyList<HostTensor> GetParameters() => calls.Record(Name, nameof(GetParameters), inner.GetParameters);
        public void SetParameters(IReadOnlyList<HostTensor> parameters) => calls.Record(Name, nameof(SetParameters), () => inner.SetParameters(parameters));
        public IReadOnlyList<HostTensor> Forward(Batch batch) => calls.Record(Name, nameof(Forward), () => inner.Forward(batch));
        public Gradients ComputeGradients(Batch batch) => calls.Record(Name, nameof(ComputeGradients), () => inner.ComputeGradients(batch));
        public void Step() => calls.Record(Name, nameof(Step), inner.Step);
        public double TrainStep(Batch batch)
        {
            var afterEvaluate = _evaluated && calls.GarbageAfterEvaluate > 0;
            _evaluated = false;
            return calls.Record(Name, afterEvaluate ? StepAfterEvaluate : nameof(TrainStep), () =>
            {
                if (calls.GarbagePerStep > 0)
                    GC.KeepAlive(new byte[calls.GarbagePerStep]);
                if (afterEvaluate)
                    GC.KeepAlive(new byte[calls.GarbageAfterEvaluate]);
                Thread.Sleep(calls.SleepPerStep);
                return inner.TrainStep(batch);
            });
        }
        public Evaluation Evaluate(Batch batch) => calls.Record(Name, nameof(Evaluate), () =>
        {
            _evaluated = true;
            if (calls.GarbagePerEvaluate > 0)
                GC.KeepAlive(new byte[calls.GarbagePerEvaluate]);
            Thread.Sleep(calls.SleepPerEvaluate);
            return inner.Evaluate(batch);
        });
        public void EndEpoch() => calls.Record(Name, nameof(EndEpoch), inner.EndEpoch);
        public void Dispose() => inner.Dispose();
    }
}
