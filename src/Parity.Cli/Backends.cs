using Parity.Engine;
using Parity.Harness.Benchmarks;
using Parity.Engine.Numerics;
using Parity.Spec;
using Parity.Spec.Initialization;
using Parity.Torch.StateDicts;
using Parity.Torch.Twin;

namespace Parity.Cli;

/// <summary>
/// Where the command line meets the concrete engines: the engine under test that <c>--engine</c> names,
/// the TorchSharp reference it is checked against, their shared initial state and threads.
/// </summary>
public static class Backends
{
    /// <summary>The global option that names the engine under test, and its default: Parity's own engine.</summary>
    public const string EngineOption = "--engine", Builtin = "builtin";

    /// <summary>
    /// The engine under test for an <c>--engine</c> value: <c>builtin</c>, <c>exec:COMMAND</c> (an engine
    /// in another process, <see cref="ExecEngine"/>), or the path of a .NET assembly
    /// (<see cref="EngineAssembly"/>). The one place a new kind of engine is told apart.
    /// </summary>
    public static EngineUnderTest Resolve(string engine) => (engine switch
    {
        Builtin => new EngineUnderTest("Parity built-in engine", EngineBackend.Create),
        _ when ExecEngine.Names(engine) => ExecEngine.Resolve(engine),
        "engine" or "twin" or "both" => throw new InputException($"--engine {engine}: --engine now names the engine under test (builtin, exec:COMMAND or PATH.dll); to train one side alone, use train --side engine|reference"),
        _ => EngineAssembly.Load(engine),
    }) with { Option = engine };

    /// <summary>
    /// The engine under test beside the reference, as the Harness's stages take them for <paramref name="spec"/>: at once
    /// in lockstep when the threads both sides run on now (<see cref="ThreadsFor"/>, <see cref="FixThreads"/>) allow it.
    /// </summary>
    public static Harness.Pipeline.BackendPair Pair(EngineUnderTest engine, ParitySpec spec) =>
        new(engine.Name, engine.Create, Reference, InitialParameters, StepThreads.AtOnce(spec, Threads, Environment.ProcessorCount));

    /// <summary>The reference every engine is checked against: the TorchSharp twin.</summary>
    public static IBackend Reference(ModelDescription model, IReadOnlyList<HostTensor> initialParameters) =>
        Guarded(() => new TwinBackend(model, initialParameters));

    /// <summary>An n×n product of <paramref name="values"/> by itself by the reference's own BLAS, for the machine's product peak (<see cref="BlasPeak"/>).</summary>
    public static TorchSquareProduct ReferenceProduct(double[] values, int n, bool float64) => Guarded(() => new TorchSquareProduct(values, n, float64));

    /// <summary>"TorchSharp 0.107.0 (libtorch 2.10.0)", as reports name the reference.</summary>
    public static string ReferenceName => Guarded(() => TorchRuntime.Description);

    /// <summary>The initial parameters every engine of a run starts from.</summary>
    public static IReadOnlyList<HostTensor> InitialParameters(ParitySpec spec) => spec.Init.Kind switch
    {
        InitKind.Torch => Guarded(() => TorchInitialParameters.Create(ModelDescriptions.Describe(spec))),
        InitKind.From => StateDictMatch.Match(ModelDescriptions.Describe(spec), ReadStateDict(spec.Init.Path!), spec.Init.Path!),
        _ => Spec.Initialization.InitialParameters.Create(spec),
    };

    /// <summary>A file PyTorch's or safetensors' own readers would refuse is the user's input, said in one line.</summary>
    static IReadOnlyList<(HostTensor Tensor, string DType)> ReadStateDict(string path)
    {
        try
        {
            return Guarded(() => StateDictFile.Read(path));
        }
        catch (Exception e) when (e is not InputException)
        {
            throw new InputException($"init.from {path}: not a state_dict that torch.save or safetensors' save_file wrote ({InputException.OneLine(e.Message.Split('\n')[0])}); save it with torch.save(model.state_dict(), path)");
        }
    }

    /// <summary>The threads the user gave with --threads for every spec of this command; null: each spec takes its own (<see cref="ThreadsFor"/>).</summary>
    public static int? FixedThreads { get; private set; }

    /// <summary>
    /// Runs TorchSharp (TorchSharp's intra-op threads) and the engine's BLAS on the user's <paramref name="threads"/>
    /// for every spec until disposed, then gives them back the counts they had.
    /// </summary>
    public static IDisposable FixThreads(int threads)
    {
        var scope = UseThreads(SideThreads.Both(threads), FixedThreads);
        FixedThreads = threads;
        return scope;
    }

    /// <summary>
    /// Runs each side of <paramref name="spec"/> on the thread count its step is fastest on (<see cref="StepThreads"/>)
    /// until disposed, unless the user fixed them; reports name the counts (<see cref="Threads"/>).
    /// </summary>
    public static IDisposable? ThreadsFor(ParitySpec spec) =>
        FixedThreads is null ? UseThreads(StepThreads.For(spec, Environment.ProcessorCount), null) : null;

    /// <summary>The counts both sides run on now: the engine's BLAS and own threads, TorchSharp's intra-op threads.</summary>
    public static SideThreads Threads => new(Gemm.Threads, Guarded(() => TorchRuntime.Threads));

    static IDisposable UseThreads(SideThreads threads, int? fixedBefore)
    {
        var scope = Guarded(() => new ThreadScope(TorchRuntime.Threads, Gemm.Threads, fixedBefore));
        NativeSettings.SetThreads(threads);
        return scope;
    }

    sealed class ThreadScope(int torchThreads, int blasThreads, int? fixedThreads) : IDisposable
    {
        public void Dispose()
        {
            TorchRuntime.Threads = torchThreads;
            Gemm.SetThreads(blasThreads);
            FixedThreads = fixedThreads;
        }
    }

    /// <summary>
    /// Without OpenBLAS the built-in engine multiplies with MathNet's managed GEMM: the same checks,
    /// slower, and a bench's figures are not OpenBLAS's. An installed .NET tool cannot install it the
    /// way the build does, so this says once, on standard error, what to install.
    /// </summary>
    public static void NoteMissingBlas(string engine, TextWriter error)
    {
        if (engine == Builtin && Gemm.Missing is { } library)
            error.WriteLine($"parity: note: {library} is not installed, so the built-in engine multiplies with MathNet's managed GEMM (the same checks, slower); install OpenBLAS with: apt-get install libopenblas0-pthread (or set PARITY_BLAS=managed to choose the fallback)");
    }

    /// <summary>Parity run as the installed .NET tool (the package's settings file beside it), not from a build of the repository.</summary>
    static bool InstalledAsTool => File.Exists(Path.Combine(AppContext.BaseDirectory, "DotnetToolSettings.xml"));

    /// <summary>A TorchSharp that cannot load is the machine's setup, not a crash: say what to do.</summary>
    static T Guarded<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException)
        {
            var fix = InstalledAsTool
                ? "the Parity.Cli tool carries libtorch for Linux x64 and needs glibc 2.34 and GCC 12's libstdc++ or later (Debian 12, Ubuntu 22.04); on such a machine, reinstall it"
                : "rebuild Parity on this machine (dotnet build -c Release), which makes it loadable";
            throw new InputException($"TorchSharp's native library cannot be loaded ({InputException.OneLine((e.InnerException ?? e).Message.Split('\n')[0])}); {fix}");
        }
    }
}
