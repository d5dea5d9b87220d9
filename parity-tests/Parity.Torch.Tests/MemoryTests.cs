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
    const int WarmUpSteps = 1_000, MeasuredSteps = 10_000;

    [DllImport("libc")]
    static extern int malloc_trim(nuint pad);

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
        var (liveBefore, rssBefore) = Measure();
        Train(MeasuredSteps);
        var (liveAfter, rssAfter) = Measure();

        var growth = (double)(rssAfter - rssBefore) / rssBefore;
        output.WriteLine($"{WarmUpSteps} + {MeasuredSteps} steps in {clock.Elapsed.TotalSeconds:F1} s; live tensors {liveBefore} -> {liveAfter}; " +
                         $"RSS {rssBefore / 1048576.0:F1} MiB -> {rssAfter / 1048576.0:F1} MiB ({growth:P2})");
        Assert.Equal(liveBefore, liveAfter);
        Assert.True(growth < 0.05, $"RSS grew by {growth:P2} over {MeasuredSteps} steps");
        // the run did train: the disk is learned well past chance
        var test = twin.Evaluate(Training.All(spec, data.Test));
        var correct = Enumerable.Range(0, data.Test.Rows).Count(r => (test.Outputs[2 * r + 1] > test.Outputs[2 * r] ? 1 : 0) == data.Test.Labels![r]);
        Assert.True(correct > 0.9 * data.Test.Rows, $"{correct} of {data.Test.Rows} test points right");
    }

    /// <summary>
    /// Live tensors and the resident set once freed memory has gone back to the system: finalizers run,
    /// the managed heap compacted and decommitted, glibc's free lists trimmed. Otherwise memory freed
    /// and merely kept for reuse moves the figure by a few percent either way.
    /// </summary>
    static (long LiveTensors, long WorkingSet) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        malloc_trim(0);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        return (TorchRuntime.LiveTensors, process.WorkingSet64);
    }
}
