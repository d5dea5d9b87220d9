namespace Parity.Torch.Tests;

/// <summary>
/// Tests that read or set TorchSharp's process-wide state — the count of live tensors, the seeded
/// generator — run here, one at a time and apart from the parallel ones, so that no other test's
/// tensors come and go while they count, nor draws from the generator between a seed and its use.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessStateCollection
{
    public const string Name = "TorchSharp process state";

    /// <summary>The live-tensor count once every unreachable tensor of earlier tests has been finalized.</summary>
    public static long SettledLiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Parity.Torch.Twin.TorchRuntime.LiveTensors;
    }
}
