using System.Runtime.InteropServices;
using TorchSharp;

namespace Parity.Torch.Twin;

/// <summary>The reference's process-wide facts and knobs: its version, its threads, its live tensors, its errors.</summary>
public static class TorchRuntime
{
    /// <summary>"TorchSharp 0.107.0 (libtorch 2.10.0)", for reports.</summary>
    public static string Description =>
        $"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)} (libtorch {Version.Parse(torch.__version__.Split('+')[0]).ToString(3)})";

    /// <summary>
    /// Held by every call into the twin and every use of libtorch's generator: the suite drives two
    /// twins at once (an example engine's beside a spec's), and TorchSharp does not promise that
    /// libtorch may be driven from two threads at once (dotnet/TorchSharp#941), so their calls take turns.
    /// </summary>
    public static readonly object Gate = new();

    public static int Threads
    {
        get => torch.get_num_threads();
        set => torch.set_num_threads(value);
    }

    /// <summary>Tensors created and not yet disposed on this thread, by TorchSharp's own count.</summary>
    public static long LiveTensors => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    /// <summary>
    /// libtorch's refusals that come from what it was given — shapes that do not fit, a class index out
    /// of range — as opposed to a failure inside the reference itself.
    /// </summary>
    public static bool IsInputError(ExternalException error) =>
        new[] { "shape", "size", "out of bounds", "dimension", "must match", "Expected", "Target" }
            .Any(word => error.Message.Contains(word, StringComparison.Ordinal));
}
