using System.CommandLine;
using System.Runtime.InteropServices;
using Parity.Cli.Commands;
using Parity.Cli.Sharding;
using Parity.Protocol;
using Parity.Spec;
using Parity.Torch.Twin;

namespace Parity.Cli;

/// <summary>
/// The <c>parity</c> command: parses arguments, runs a command, and maps outcomes to exit codes —
/// 0 all passed, 1 a comparison or expectation failed, 2 bad input (one message, no stack trace),
/// 130 interrupted.
/// </summary>
public static class ParityCommandLine
{
    public const int Passed = 0, Failed = 1, BadInput = 2;

    const int MaxThreads = 256;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // Before any native library loads: how TorchSharp and OpenBLAS wait and allocate (NativeSettings).
        NativeSettings.ConfigureProcess();
        var root = new RootCommand("Parity: is a hand-written backpropagation right, and if not, where and why.");
        // Every command that runs a folder of specs takes its part of them with --shard i/n: one option, shared.
        Command[] folderCommands = [TrainCommand.Create(output), CheckCommand.Create(output), BenchCommand.Create(output),
            ReportCommand.Create(output), SuiteCommand.Create(output), BaselineCommand.Create(output)];
        var shardOption = Shard.CreateOption();
        foreach (var command in folderCommands)
        {
            command.Options.Add(shardOption);
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(SoakCommand.Create(output));
        root.Subcommands.Add(MergeCommand.Create(output));
        root.Subcommands.Add(ShrinkCommand.Create(output));
        root.Subcommands.Add(SweepCommand.Create(output));
        var threadsOption = NumberOption.Create("--threads", "Threads for TorchSharp and the BLAS under both engines, 1 to 256 (default: theirs)",
            (int n) => n is >= 1 and <= MaxThreads, $"--threads takes a whole number from 1 to {MaxThreads}");
        threadsOption.Recursive = true;
        root.Options.Add(threadsOption);
        // Every command checks the engine under test against the TorchSharp reference; --engine names it.
        var engineOption = new Option<string>(Backends.EngineOption)
        {
            Description = $"The engine under test: {Backends.Builtin} (Parity's own, the default), {ExecEngine.Prefix}COMMAND (an engine in another process speaking Parity's protocol), or PATH.dll (a .NET assembly with one public class implementing Parity.Contract.IBackend)",
            DefaultValueFactory = _ => Backends.Builtin,
            Recursive = true,
        };
        root.Options.Add(engineOption);
        var engineTimeoutOption = NumberOption.Create("--engine-timeout", "Seconds an engine started with --engine exec:COMMAND may take to answer one request (default 60)",
            (double s) => s is > 0 and <= 86_400, "--engine-timeout takes seconds greater than 0, up to 86400, e.g. 60", fallback: ExecEngine.DefaultTimeoutSeconds);
        engineTimeoutOption.Recursive = true;
        root.Options.Add(engineTimeoutOption);
        var engineMaxLineOption = NumberOption.Create("--engine-max-line", "The most bytes a response line of an engine started with --engine exec:COMMAND may take (default: what the response's tensors take in base64, and 1 MiB besides)",
            (long bytes) => bytes > 0, "--engine-max-line takes a whole number of bytes greater than 0, e.g. 100000000");
        engineMaxLineOption.Recursive = true;
        root.Options.Add(engineMaxLineOption);
        var maxMemoryOption = NumberOption.Create("--max-memory", "The most MiB a spec's run may be estimated to need, both engines and the data (default: the machine's available memory); a spec beyond it exits 2 before any work",
            (long mib) => mib is > 0 and <= 1L << 30, "--max-memory takes a whole number of MiB greater than 0, e.g. 4096");
        maxMemoryOption.Recursive = true;
        root.Options.Add(maxMemoryOption);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
                error.WriteLine($"parity: {InputException.OneLine(problem.Message)}");
            error.WriteLine("parity: see 'parity --help'");
            return BadInput;
        }
        try
        {
            using var threads = parsed.GetResult(threadsOption) is null ? null : Backends.UseThreads(parsed.GetValue(threadsOption));
            using var engines = ExecEngine.Use(TimeSpan.FromSeconds(parsed.GetValue(engineTimeoutOption)),
                parsed.GetResult(engineMaxLineOption) is null ? null : parsed.GetValue(engineMaxLineOption), error);
            using var memory = MaxMemory.Use(parsed.GetResult(maxMemoryOption) is null ? null : parsed.GetValue(maxMemoryOption) << 20);
            if (parsed.CommandResult.Command != root)
                Backends.NoteMissingBlas(parsed.GetValue(engineOption)!, error);
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (InputException e)
        {
            error.WriteLine($"parity: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (EngineLoadContext.Thrower(e) is { } thrower)
        {
            // The engine under test failed while Parity ran it: its fault, said in one line.
            error.WriteLine($"parity: the engine under test failed in {thrower}: {e.GetType().Name}: {FirstLine(e.Message)}");
            return Failed;
        }
        catch (ExternalException e) when (TorchRuntime.IsInputError(e))
        {
            error.WriteLine($"parity: TorchSharp refused the spec's computation: {FirstLine(e.Message)}; check the spec's layer sizes and the data's features and classes");
            return BadInput;
        }
        catch (ExternalException e)
        {
            error.WriteLine($"parity: TorchSharp failed inside the reference, not because of the spec: {FirstLine(e.Message)}");
            return Failed;
        }
        catch (ProtocolException e)
        {
            // It may quote the engine's own words, which must not reach the terminal as escapes.
            error.WriteLine($"parity: {InputException.OneLine(e.Message)}");
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Interruption.Say(error);
            return Interruption.ExitCode;
        }
    }

    /// <summary>TorchSharp's message without the C++ backtrace it appends.</summary>
    static string FirstLine(string message) => InputException.OneLine(message.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? message);
}
