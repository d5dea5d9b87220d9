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
    /// Held by every call into the twin and every use of libtorch's generator, so that twins driven from
    /// several threads (a test host runs its tests in parallel) take turns: TorchSharp does not promise
    /// that libtorch may be driven from two threads at once (dotnet/TorchSharp#941).
    /// </summary>
    /// <remarks>
    /// Taking turns does not make another thread harmless. TorchSharp leaves the native scalars it makes
    /// for its own arguments — <c>add_(grad, alpha: -lr)</c> inside its optimizers — to their finalizers,
    /// and a garbage collection that another thread's allocation starts while such a call runs may free the
    /// scalar before libtorch reads it: libtorch then fails with "Unknown scalar type" or "Expected false to
    /// be true", or reads another value. A test program with a second thread allocating nonstop saw 39
    /// such failures in 292,527 rounds of four scalar-taking calls, and none with that thread idle. So
    /// Parity's commands never run managed code on another thread while a twin works: the harness runs
    /// its backends one after the other (training steps, evaluations and finite differences taken at once hold
    /// collections off meanwhile, Harness.Concurrency.AtOnceCalls), the suite takes its example engines' reports in a process of
    /// their own, a progress bar is drawn on the calling thread, and an engine process's stderr is passed
    /// on under this lock; and background collection is off (Parity.Cli.csproj).
    /// </remarks>
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
    /// of range, a token id past the embedding's rows ("index out of range in self") — as opposed to a
    /// failure inside the reference itself.
    /// </summary>
    public static bool IsInputError(ExternalException error) =>
        !error.Message.Contains(BrokenInvariant, StringComparison.Ordinal)
        && new[] { "shape", "size", "out of bounds", "out of range", "dimension", "must match", "Expected", "Target" }
            .Any(word => error.Message.Contains(word, StringComparison.Ordinal));

    /// <summary>What libtorch says when a check it gave no words of its own fails: an invariant broken inside it (a freed scalar read, see <see cref="Gate"/>), never the spec's doing.</summary>
    const string BrokenInvariant = "Expected false to be true";
}
