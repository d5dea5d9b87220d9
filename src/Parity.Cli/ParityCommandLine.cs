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

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // Before any native library loads: how TorchSharp and OpenBLAS wait and allocate (NativeSettings) —
        // except where the reference is timed at its own defaults, which keeps only the heap's setting.
        var referenceAlone = ReferenceAlone.Runs(args);
        if (referenceAlone)
            NativeSettings.KeepFreedMemory();
        else
            NativeSettings.ConfigureProcess();
        var root = new RootCommand("Parity: is a hand-written backpropagation right, and if not, where and why.");
        var globals = new GlobalOptions();
        Command[] folderCommands = [TrainCommand.Create(globals, output), CheckCommand.Create(globals, output), BenchCommand.Create(globals, output),
            ReportCommand.Create(globals, output), SuiteCommand.Create(globals, output), BaselineCommand.Create(globals, output)];
        foreach (var command in folderCommands)
        {
            command.Options.Add(globals.Shard);
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(SoakCommand.Create(globals, output));
        root.Subcommands.Add(MergeCommand.Create(output));
        root.Subcommands.Add(ShrinkCommand.Create(globals, output));
        root.Subcommands.Add(SweepCommand.Create(globals, output));
        root.Subcommands.Add(SdkCommand.Create(output));
        root.Subcommands.Add(ReferenceAlone.Create(output));
        foreach (var option in new Option[] { globals.Threads, globals.Engine, globals.EngineTimeout, globals.EngineMaxLine, globals.MaxMemory })
            root.Options.Add(option);

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
            using var threads = globals.ThreadsOf(parsed) is { } count ? Backends.FixThreads(count) : null;
            using var engines = ExecEngine.Use(TimeSpan.FromSeconds(parsed.GetValue(globals.EngineTimeout)), globals.EngineMaxLineOf(parsed), error);
            using var memory = MaxMemory.Use(globals.MaxMemoryOf(parsed) << 20);
            if (parsed.CommandResult.Command != root && !referenceAlone)
                Backends.NoteMissingBlas(globals.EngineOf(parsed), error);
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
