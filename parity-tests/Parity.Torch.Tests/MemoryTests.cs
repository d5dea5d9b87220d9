using System.Diagnostics;
using System.Runtime.InteropServices;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;
using Xunit.Abstractions;

namespace Parity.Torch.Tests;

/// <summary>Every step's native tensors and TorchSharp's buffers are freed: a long run keeps the process's memory flat.</summary>
[Collection(ProcessStateCollection.Name)]
public class MemoryTests(ITestOutputHelper output)
{
    // The process settles over its first several thousand steps: caches of libtorch and the runtime
    // fill (on this machine the bytes in use rose by some 12 MB between steps 1,000 and 10,000, and by
    // 2 MB over the next 10,000), so the measured steps start after that.
    const int WarmUpSteps = 10_000, MeasuredSteps = 10_000;
    // 6 MB over the measured steps, a leak of 600 bytes a step: thrice the settled process's growth
    const long MaxGrowthBytes = 6 << 20;

    [DllImport("libc")]
    static extern int malloc_trim(nuint pad);

    // glibc's counters over all its arenas; uordblks and hblkhd are the bytes in use in the heap and in
    // mmapped blocks, where libtorch's tensors and TorchSharp's native objects live
    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2 { public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, USmBlks, FSmBlks, UOrdBlks, FOrdBlks, KeepCost; }

    [DllImport("libc")]
    static extern MallInfo2 mallinfo2();

    [Fact]
    public void TenThousandTrainingStepsKeepMemoryFlat()
    {
        var spec = Training.BuiltInSpec("disk-relu-mse");
        Assert.Equal(100, spec.Train.Batch);
        var data = DatasetLoader.Load(spec);
        // ten epochs of batches, made once and cycled, so that the managed heap does not grow with the run
        var epochs = Enumerable.Range(1, 10).Select(epoch => Training.EpochBatches(spec, data.Train, epoch).ToArray()).ToArray();
        var batchesPerEpoch = epochs[0].Length;
        using var twin = new TwinBackend(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
        var step = 0;
        void Train(int steps)
        {
            for (var end = step + steps; step < end; step++)
            {
                twin.TrainStep(epochs[step / batchesPerEpoch % epochs.Length][step % batchesPerEpoch]);
                if ((step + 1) % batchesPerEpoch == 0)
                    twin.EndEpoch();
            }
        }

        var clock = Stopwatch.StartNew();
        Train(WarmUpSteps);
        var before = Measure();
        Train(MeasuredSteps);
        var after = Measure();

        var growth = after.BytesInUse - before.BytesInUse;
        output.WriteLine($"{WarmUpSteps} + {MeasuredSteps} steps in {clock.Elapsed.TotalSeconds:F1} s; live tensors {before.LiveTensors} -> {after.LiveTensors}; " +
                         $"bytes in use {before.BytesInUse / 1048576.0:F1} MiB -> {after.BytesInUse / 1048576.0:F1} MiB; RSS {before.Rss / 1048576.0:F1} MiB -> {after.Rss / 1048576.0:F1} MiB");
        Assert.Equal(before.LiveTensors, after.LiveTensors);
        Assert.True(growth < MaxGrowthBytes, $"the bytes in use grew by {growth / 1048576.0:F1} MiB over {MeasuredSteps} steps");
        // the run did train: the disk is learned well past chance
        var test = twin.Evaluate(Training.All(spec, data.Test));
        var correct = Enumerable.Range(0, data.Test.Rows).Count(r => (test.Outputs[2 * r + 1] > test.Outputs[2 * r] ? 1 : 0) == data.Test.Labels![r]);
        Assert.True(correct > 0.9 * data.Test.Rows, $"{correct} of {data.Test.Rows} test points right");
    }

    /// <summary>
    /// Live tensors, the bytes in use (native allocations and the managed heap) and the resident set,
    /// once freed memory has gone back: finalizers run, the managed heap compacted, glibc's free lists
    /// trimmed. The bytes in use are what a leak grows; the resident set, shown for the reader, also
    /// moves with fragmentation and memory merely kept for reuse.
    /// </summary>
    static (long LiveTensors, long BytesInUse, long Rss) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        malloc_trim(0);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var native = mallinfo2();
        return (TorchRuntime.LiveTensors, (long)(native.UOrdBlks + native.HBlkHd) + GC.GetTotalMemory(false), process.WorkingSet64);
    }
}
