using Parity.Engine;
using Parity.Engine.Numerics;
using Parity.Spec;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;

namespace Parity.Cli;

/// <summary>Where the command line meets the concrete engines: their names, their shared initial state, their construction.</summary>
public static class Backends
{
    public const string Engine = "engine", Twin = "twin", Both = "both";

    public static IReadOnlyList<string> Selected(string choice) => choice == Both ? [Engine, Twin] : [choice];

    /// <summary>The initial parameters every engine of a run starts from.</summary>
    public static IReadOnlyList<HostTensor> InitialParameters(ParitySpec spec) => spec.Init.Kind == InitKind.Torch
        ? Guarded(() => TorchInitialParameters.Create(spec))
        : Spec.Initialization.InitialParameters.Create(spec);

    public static IBackend Create(string name, ParitySpec spec, IReadOnlyList<HostTensor> initialParameters) => name switch
    {
        Engine => EngineBackend.Create(spec, initialParameters),
        Twin => Guarded(() => new TwinBackend(spec, initialParameters)),
        _ when ExecEngine.Names(name) => ExecEngine.Create(name, spec, initialParameters),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown engine"),
    };

    /// <summary>
    /// Runs TorchSharp (libtorch's intra-op threads) and the engine's BLAS on <paramref name="threads"/>
    /// threads until disposed, then gives them back the counts they had.
    /// </summary>
    public static IDisposable UseThreads(int threads)
    {
        var scope = Guarded(() => new ThreadScope(TorchRuntime.Threads, Gemm.Threads));
        TorchRuntime.Threads = threads;
        Gemm.SetThreads(threads);
        return scope;
    }

    sealed class ThreadScope(int torchThreads, int blasThreads) : IDisposable
    {
        public void Dispose()
        {
            TorchRuntime.Threads = torchThreads;
            Gemm.SetThreads(blasThreads);
        }
    }

    /// <summary>A TorchSharp that cannot load is the machine's setup, not a crash: say what to do.</summary>
    static T Guarded<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException)
        {
            throw new InputException($"TorchSharp's native library cannot be loaded ({InputException.OneLine((e.InnerException ?? e).Message.Split('\n')[0])}); rebuild Parity on this machine (dotnet build -c Release), which makes it loadable");
        }
    }
}
