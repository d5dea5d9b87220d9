using System.CommandLine;
using Parity.Cli.Commands;
using Parity.Spec;

namespace Parity.Cli;

/// <summary>
/// The <c>parity</c> command: parses arguments, runs a command, and maps outcomes to exit codes —
/// 0 all passed, 1 a comparison or expectation failed, 2 bad input (one message, no stack trace).
/// </summary>
public static class ParityCommandLine
{
    public const int Passed = 0, Failed = 1, BadInput = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // Before any native library loads: how libtorch and OpenBLAS wait and allocate (NativeSettings).
        NativeSettings.ConfigureProcess();
        var root = new RootCommand("Parity: is a hand-written backpropagation right, and if not, where and why.");
        root.Subcommands.Add(TrainCommand.Create(output));
        root.Subcommands.Add(CheckCommand.Create(output));
        root.Subcommands.Add(BenchCommand.Create(output));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
                error.WriteLine($"parity: {problem.Message}");
            error.WriteLine("parity: see 'parity --help'");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (InputException e)
        {
            error.WriteLine($"parity: {e.Message}");
            return BadInput;
        }
        catch (Torch.TorchException e)
        {
            error.WriteLine($"parity: libtorch refused the spec's computation: {e.Message}");
            return BadInput;
        }
    }
}
