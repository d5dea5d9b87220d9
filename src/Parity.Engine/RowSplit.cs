using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;

namespace Parity.Engine;

/// <summary>
/// Data parallelism inside one training step (<see cref="PartsFor"/> says when): for small products
/// (a 1000×25·25×25 product gains little from two threads, and its output lands in the other core's
/// cache for the next op), for convolutions, whose copies, pools and activations the BLAS's threads
/// never touch, and for a machine that takes a core away now and then, which stalls the BLAS's static
/// halves and costs one part here: the batch's rows are split into a few
/// contiguous parts, each with a replica of the model (its own activations and gradients, the same
/// parameter values), the engine's threads take the parts one by one — forward and loss, then
/// backward — with the BLAS single-threaded, and the parts' gradients are then added into the
/// model's, each weighted by its share of the loss's mean. A thread that gets no core (the machine
/// is busy) just takes no part: the others finish the step. The parts' gradients are added up on
/// every thread too, each taking blocks of the parameters, and so is the optimizer's update, block by
/// block (<see cref="BlockedOptimizer{T}"/>); a model of a few thousand values does both on the calling
/// thread alone. A training step forks and joins at most twice (each part's forward and backward, then
/// each block summed and updated at once; with a clip, three times), the phased calls up to four times;
/// the threads are made once and the step allocates nothing.
/// </summary>
sealed class RowSplit<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Product columns (rows, times output positions for a convolution) below which a part's products are too short to be worth handing out.</summary>
    public const int MinColumnsPerPart = 64;

    /// <summary>
    /// Bytes of gradients, times the parts that each hold a copy, above which a dense model's step runs
    /// faster unsplit, on the BLAS's own threads: summing the parts' gradients then streams them from
    /// memory rather than the cache. Two threads, float32, parity's prof loop: the Fashion MLP 784-1024-128-10
    /// at batch 1024 (15 MB of copies) stepped in 17.5 ms split against 18.2–21.0 unsplit; 784-4096-4096-10
    /// at batch 256 (320 MB) in 152 against 127 ms. This machine's last-level cache is 32 MiB.
    /// </summary>
    public const long MaxSplitGradientBytes = 32L << 20;

    /// <summary>
    /// Rows times gradient values (a sixth of a dense step's operations) from which each thread takes one part
    /// of the batch; a smaller step is cut into two parts per thread, so that a thread held up costs a part,
    /// not half the step. A large step's parts run long enough that halving their count pays more: larger
    /// products and half the per-part work. Measured in one process, two engines stepping in turn, 10 steps
    /// each, on the 2-core Xeon (parity-tests/bench), one part against two per thread, ratio of medians: Fashion
    /// MLP float32 0.907 and 0.906 (256 rows × 235k values), float64 0.902 and 0.906, Fashion CNN 0.950 and 0.967
    /// (64 × 207k), GPT 0.997 and 0.993 (32 × 820k). With a busy loop on one of the cores: the MLPs 0.70–0.94, the
    /// CNN 0.975, the GPT 1.014, but the disk MLP's step (1,000 × 1,401, 0.2 ms) 1.12–2.17, where quiet it took
    /// 0.89: its parts are too short for a thread that has lost its core to be waited for.
    /// </summary>
    public const long OnePartPerThreadWork = 4_000_000;

    /// <summary>Gradient values per block of the sum of the parts' gradients, and the fewest values worth a fork and join to sum or update.</summary>
    const int MergeBlock = 1 << 14, MinParallelValues = 1 << 16;

    readonly Part[] _parts;
    readonly PartThread[] _threads;
    readonly Reduction _reduction;
    readonly Signal _done = new();
    // Each parameter's gradient in blocks: (parameter, start, length).
    readonly (int Parameter, int Start, int Length)[] _mergeBlocks;
    readonly bool _manyValues;
    // The optimizer whose blocks the update phase hands out.
    BlockedOptimizer<T>? _optimizer;
    int _active, _remaining;
    readonly PhaseTickets _tickets = new();
    Exception? _error;

    /// <summary>
    /// Part 0 is the backend's own model and loss; each other part gets a replica from <paramref name="replicate"/>.
    /// <paramref name="gradientValues"/> is the model's count of gradient values.
    /// </summary>
    public RowSplit(Sequential<T> model, Loss<T> loss, Func<(Sequential<T> Model, Loss<T> Loss)> replicate, int parts, int threads, long gradientValues)
    {
        _reduction = loss.Reduction;
        _parts = new Part[parts];
        _parts[0] = new Part(model, loss);
        for (var k = 1; k < parts; k++)
        {
            var (replica, replicaLoss) = replicate();
            for (var i = 0; i < replica.Parameters.Count; i++)
                replica.Parameters[i].ShareValue(model.Parameters[i]);
            _parts[k] = new Part(replica, replicaLoss);
        }
        _threads = [.. Enumerable.Range(1, threads - 1).Select(_ => new PartThread(this))];
        _mergeBlocks = CacheBlocks.Over(model.Parameters, MergeBlock);
        _manyValues = threads > 1 && gradientValues >= MinParallelValues;
    }

    // Train is a training step's forward and backward on each part in turn, MergeUpdate a block of the parts'
    // gradients summed and updated (TrainStep): one fork and join each where the phased calls take two.
    enum Phase { Forward, Backward, Train, Merge, Update, MergeUpdate }

    /// <summary>
    /// How many parts a batch of <paramref name="rows"/> is worth splitting into on <paramref name="threads"/>
    /// threads (1: not at all), given the largest product layer's output positions and the model's
    /// <paramref name="gradientValues"/>. A part's products need <see cref="MinColumnsPerPart"/> columns to
    /// run well. A convolution's step also copies every position into columns, pools and activates them:
    /// work only a split runs on every core, so it is split whatever its size. A dense model is split while
    /// its parts' gradient copies stay in the cache (<see cref="MaxSplitGradientBytes"/>). Split, its products
    /// share no thread with the BLAS, whose static halves wait for a thread the machine takes away for a
    /// while — the Fashion MLP's float64 step on two threads beside a busy loop on one core took 14–24 ms
    /// unsplit, 4.6–5.0 ms split in four parts, 4.6 ms on one thread. Each thread takes one part of a large
    /// step and two of a small one (<see cref="OnePartPerThreadWork"/>).
    /// </summary>
    public static int PartsFor(int rows, long positions, long gradientValues, int threads)
    {
        var partsPerThread = (long)rows * gradientValues >= OnePartPerThreadWork ? 1 : 2;
        var parts = (int)Math.Min(partsPerThread * threads, rows * positions / MinColumnsPerPart);
        var pays = positions > 1 || gradientValues * Unsafe.SizeOf<T>() * parts <= MaxSplitGradientBytes;
        return threads > 1 && parts > 1 && pays ? Math.Min(parts, rows) : 1;
    }

    /// <summary>The parts the loaded batch is split into.</summary>
    public int Active => _active;

    /// <summary>
    /// Bytes the engine's other threads have allocated so far, each read on its own thread after each
    /// phase: a steady step allocates nothing there either, and the process-wide count would also hold
    /// whatever else the process allocates meanwhile.
    /// </summary>
    public long AllocatedOnOtherThreads
    {
        get
        {
            var bytes = 0L;
            foreach (var thread in _threads)
                bytes += Volatile.Read(ref thread.Allocated);
            return bytes;
        }
    }

    /// <summary>Whether this split was made for that many parts and threads.</summary>
    public bool Fits(int parts, int threads) => parts <= _parts.Length && threads == _threads.Length + 1;

    /// <summary>
    /// Splits the batch's rows into <paramref name="parts"/> parts and copies them now, or with <paramref name="copyInNextPhase"/>
    /// in the next phase, each part on the thread that takes it (the caller keeps the batch unchanged until then).
    /// </summary>
    public void Load(Batch batch, int parts, bool copyInNextPhase)
    {
        _active = parts;
        var counted = Counted(batch, 0, batch.Rows);
        for (var k = 0; k < parts; k++)
        {
            var (start, end) = ((int)((long)batch.Rows * k / parts), (int)((long)batch.Rows * (k + 1) / parts));
            _parts[k].Assign(batch, start, end - start);
            if (!copyInNextPhase)
                _parts[k].CopyAssigned();
            // The mean over the whole batch is the mean of the parts' means, each weighted by the terms it counts.
            _parts[k].Weight = _reduction == Reduction.Mean ? T.CreateChecked(Counted(batch, start, end - start)) / T.CreateChecked(counted) : T.One;
        }
    }

    /// <summary>
    /// The rows' terms in the loss's mean, relative to each other: the rows, or for class targets the
    /// positions not <see cref="Batch.IgnoredTarget"/> (a sequence's rows count the positions scored).
    /// </summary>
    static int Counted(Batch batch, int start, int rows)
    {
        if (batch.Classes is null)
            return rows;
        var perRow = batch.Classes.Length / batch.Rows;
        var counted = 0;
        foreach (var target in batch.Classes.AsSpan(start * perRow, rows * perRow))
            if (target != Batch.IgnoredTarget)
                counted++;
        return counted;
    }

    /// <summary>Zero grad, forward and loss on every part; returns the batch's loss.</summary>
    public double Forward()
    {
        Run(Phase.Forward, _active);
        return Loss();
    }

    /// <summary>
    /// A whole training step: each part's forward and backward in one phase, run by the thread that takes the part,
    /// then each block of the parts' gradients summed and updated at once, while its values are in that core's cache —
    /// the same sums and updates as the phased calls then <see cref="Step"/>, two forks and joins fewer. With a
    /// <paramref name="clip"/>, which needs every gradient summed before any value is updated, or an optimizer not
    /// updated by blocks, the sums come first and the update after.
    /// </summary>
    public double TrainStep(IOptimizer optimizer, Action<IReadOnlyList<Parameter<T>>>? clip)
    {
        Run(Phase.Train, _active);
        if (clip is null && _manyValues && optimizer is BlockedOptimizer<T> blocked)
        {
            blocked.BeginStep();
            _optimizer = blocked;
            Run(Phase.MergeUpdate, blocked.Blocks);
            blocked.EndStep();
        }
        else
        {
            MergeGradients();
            clip?.Invoke(_parts[0].Model.Parameters);
            Step(optimizer);
        }
        return Loss();
    }

    /// <summary>The batch's loss, from the parts' losses in the parts' order.</summary>
    double Loss()
    {
        var loss = 0.0;
        for (var k = 0; k < _active; k++)
            // A part whose positions are all ignored has the mean 0/0 and no weight: it adds nothing.
            if (_parts[k].Weight != T.Zero)
                loss += double.CreateChecked(_parts[k].Weight) * _parts[k].LossValue;
        return double.CreateChecked(T.CreateChecked(loss));
    }

    /// <summary>Backward on every part, then g = Σ weightₖ·gₖ into the model's own gradients (part 0's).</summary>
    public void Backward()
    {
        Run(Phase.Backward, _active);
        MergeGradients();
    }

    void MergeGradients()
    {
        if (_manyValues)
            Run(Phase.Merge, _mergeBlocks.Length);
        else
            foreach (var block in _mergeBlocks)
                Merge(block);
    }

    /// <summary>
    /// One block of g = Σ weightₖ·gₖ, values [start, start + length) of parameter i, added in the order of the parts
    /// whichever thread takes it and however the values are cut into blocks: the same sums, bit for bit.
    /// </summary>
    void Merge((int Parameter, int Start, int Length) block)
    {
        var (i, start, length) = block;
        var sum = _parts[0].Model.Parameters[i].Grad.Data.AsSpan(start, length);
        if (_parts[0].Weight != T.One)
            TensorPrimitives.Multiply(sum, _parts[0].Weight, sum);
        for (var k = 1; k < _active; k++)
            TensorPrimitives.MultiplyAdd(_parts[k].Model.Parameters[i].Grad.Data.AsSpan(start, length), _parts[k].Weight, sum, sum);
    }

    /// <summary>The optimizer's step, its blocks on every thread when the model has many values.</summary>
    public void Step(IOptimizer optimizer)
    {
        if (!_manyValues || optimizer is not BlockedOptimizer<T> blocked)
        {
            optimizer.Step();
            return;
        }
        blocked.BeginStep();
        _optimizer = blocked;
        Run(Phase.Update, blocked.Blocks);
        blocked.EndStep();
    }

    public void Dispose()
    {
        foreach (var thread in _threads)
            thread.Dispose();
    }

    /// <summary>Hands the phase's items (parts, or blocks of the gradients' sum or of the optimizer's update) out to this thread and the engine's others, and returns when every one has run.</summary>
    void Run(Phase phase, int items)
    {
        Gemm.SetBlasThreads(1);
        try
        {
            if (items == 0)
                return;
            // The count first: a thread late from the last phase may take this phase's tickets as soon as they are issued.
            Volatile.Write(ref _remaining, items);
            _tickets.Issue((int)phase, items);
            foreach (var thread in _threads)
                thread.Wake();
            TakeParts();
            _done.Wait();
        }
        finally
        {
            Gemm.SetBlasThreads(Gemm.Threads);
        }
        if (_error is { } error)
        {
            _error = null;
            throw new InvalidOperationException($"a part of the batch failed: {error.Message}", error);
        }
    }

    void TakeParts()
    {
        while (true)
        {
            var (taken, items, k) = _tickets.Read(_tickets.Take());
            var phase = (Phase)taken;
            if (k >= items)
                return;
            try
            {
                if (phase == Phase.Merge)
                    Merge(_mergeBlocks[k]);
                else if (phase == Phase.Update)
                    _optimizer!.Update(k);
                else if (phase == Phase.MergeUpdate)
                {
                    Merge(_optimizer!.Block(k));
                    _optimizer.Update(k);
                }
                else
                    _parts[k].Run(forward: phase != Phase.Backward, backward: phase != Phase.Forward);
            }
            catch (Exception e)
            {
                _error ??= e;
            }
            if (Interlocked.Decrement(ref _remaining) == 0)
                _done.Set();
        }
    }

    /// <summary>One part of the batch and the model that runs it.</summary>
    sealed class Part(Sequential<T> model, Loss<T> loss)
    {
        Matrix<T>? _input, _targets;
        int[]? _classes;
        // The rows assigned and not yet copied: a batch of 256 Fashion images is 200k values, which the parts copy at once.
        (Batch Batch, int Start, int Rows)? _assigned;

        public Sequential<T> Model { get; } = model;
        public T Weight { get; set; } = T.One;
        public double LossValue { get; private set; }

        public void Assign(Batch batch, int start, int rows) => _assigned = (batch, start, rows);

        public void CopyAssigned()
        {
            if (_assigned is not { } assigned)
                return;
            _assigned = null;
            var (batch, start, rows) = assigned;
            Model.Prepare(ForwardMode.Training, batch, start, rows);
            var input = Matrix<T>.Reuse(ref _input, rows, batch.Features);
            input.CopyFrom(batch.X.AsSpan(start * batch.Features, rows * batch.Features));
            if (batch.Classes is not null)
            {
                // rows·T indices for a sequence's targets
                var perRow = batch.Classes.Length / batch.Rows;
                if (_classes?.Length != rows * perRow)
                    _classes = new int[rows * perRow];
                batch.Classes.AsSpan(start * perRow, rows * perRow).CopyTo(_classes);
            }
            else
                Matrix<T>.Reuse(ref _targets, rows, batch.TargetWidth).CopyFrom(batch.Targets.AsSpan(start * batch.TargetWidth, rows * batch.TargetWidth));
        }

        public void Run(bool forward, bool backward)
        {
            CopyAssigned();
            if (forward)
            {
                for (var i = 0; i < Model.Parameters.Count; i++)
                    Model.Parameters[i].ZeroGrad();
                LossValue = loss.Forward(Model.Forward(_input!), _classes is not null ? new(null, _classes) : new(_targets, null));
            }
            if (backward)
                Model.BackwardToParameters(loss.Backward());
        }
    }

    /// <summary>One of the engine's threads: woken for each phase, it takes parts until none is left.</summary>
    sealed class PartThread : IDisposable
    {
        readonly RowSplit<T> _split;
        readonly Thread _thread;
        readonly Signal _wake = new();
        volatile bool _stop;
        public long Allocated;

        public PartThread(RowSplit<T> split)
        {
            _split = split;
            _thread = new Thread(Loop) { IsBackground = true, Name = "parity engine part" };
            _thread.Start();
        }

        public void Wake() => _wake.Set();

        public void Dispose()
        {
            _stop = true;
            _wake.Set();
            _thread.Join();
        }

        void Loop()
        {
            if (Gemm.Packed)
                PackedGemm<T>.Reserve();
            while (true)
            {
                _wake.Wait();
                if (_stop)
                    return;
                _split.TakeParts();
                Volatile.Write(ref Allocated, GC.GetAllocatedBytesForCurrentThread());
            }
        }
    }
}
