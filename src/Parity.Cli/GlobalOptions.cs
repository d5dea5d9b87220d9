using System.CommandLine;
using Parity.Cli.Sharding;

namespace Parity.Cli;

/// <summary>
/// The options that are not one command's, typed and made once per command line: the engine under test, the limits of
/// an engine in another process, the threads and the memory ceiling (every command's), and the shard of a folder of
/// specs (the commands that run one). Commands read them through these, never by name.
/// </summary>
public sealed class GlobalOptions
{
    const int MaxThreads = 256;

    /// <summary>Every command checks the engine under test against the TorchSharp reference; --engine names it.</summary>
    public Option<string> Engine { get; } = new(Backends.EngineOption)
    {
        Description = $"The engine under test: {Backends.Builtin} (Parity's own, the default), {ExecEngine.Prefix}COMMAND (an engine in another process speaking Parity's protocol), or PATH.dll (a .NET assembly with one public class implementing Parity.Contract.IBackend)",
        DefaultValueFactory = _ => Backends.Builtin,
        Recursive = true,
    };

    public Option<int> Threads { get; } = Recursive(NumberOption.Create("--threads", "Threads for TorchSharp and the BLAS under both engines, 1 to 256 (default: theirs)",
        (int n) => n is >= 1 and <= MaxThreads, $"--threads takes a whole number from 1 to {MaxThreads}"));

    public Option<double> EngineTimeout { get; } = Recursive(NumberOption.Create("--engine-timeout", "Seconds an engine started with --engine exec:COMMAND may take to answer one request (default 60)",
        (double s) => s is > 0 and <= 86_400, "--engine-timeout takes seconds greater than 0, up to 86400, e.g. 60", fallback: ExecEngine.DefaultTimeoutSeconds));

    public Option<long> EngineMaxLine { get; } = Recursive(NumberOption.Create("--engine-max-line", "The most bytes a response line of an engine started with --engine exec:COMMAND may take (default: what the response's tensors take in base64, and 1 MiB besides)",
        (long bytes) => bytes > 0, "--engine-max-line takes a whole number of bytes greater than 0, e.g. 100000000"));

    public Option<long> MaxMemory { get; } = Recursive(NumberOption.Create("--max-memory", "The most MiB a spec's run may be estimated to need, both engines and the data (default: the machine's available memory); a spec beyond it exits 2 before any work",
        (long mib) => mib is > 0 and <= 1L << 30, "--max-memory takes a whole number of MiB greater than 0, e.g. 4096"));

    /// <summary>Every command that runs a folder of specs takes its part of them with --shard i/n: one option, shared.</summary>
    public Option<Shard> Shard { get; } = Sharding.Shard.CreateOption();

    public string EngineOf(ParseResult parse) => parse.GetValue(Engine)!;

    public Shard ShardOf(ParseResult parse) => parse.GetValue(Shard)!;

    /// <summary>The threads the user asked for; null when they left both libraries their own.</summary>
    public int? ThreadsOf(ParseResult parse) => parse.GetResult(Threads) is null ? null : parse.GetValue(Threads);

    public long? EngineMaxLineOf(ParseResult parse) => parse.GetResult(EngineMaxLine) is null ? null : parse.GetValue(EngineMaxLine);

    public long? MaxMemoryOf(ParseResult parse) => parse.GetResult(MaxMemory) is null ? null : parse.GetValue(MaxMemory);

    static Option<T> Recursive<T>(Option<T> option)
    {
        option.Recursive = true;
        return option;
    }
}
