using System.Diagnostics;
using Parity.Cli.Reports;
using Parity.Cli.Sharding;
using Parity.Spec;
using Parity.Torch.Twin;

namespace Parity.Cli.Examples;

/// <summary>
/// The suite's example engines' reports, taken by a parity process of their own (<c>parity suite
/// --examples-only</c>) while this one takes the specs' reports. Their engines mostly wait on another
/// process or build one, which leaves a core idle; but no other thread of a process may run managed
/// code while a twin works in it (<see cref="TorchRuntime.Gate"/>), so they get a process, not a thread.
/// That process's output goes to files, read once it has ended: reading a pipe meanwhile would allocate
/// on a thread of this process.
/// </summary>
public sealed class ExamplesAside : IDisposable
{
    public const string OptionName = "--examples-only";

    readonly Process _process;
    readonly string _folder, _output, _errors;

    ExamplesAside(Process process, string folder, string output, string errors) =>
        (_process, _folder, _output, _errors) = (process, folder, output, errors);

    /// <summary>Starts <c>parity suite --examples-only</c> on <paramref name="shard"/>, writing into <paramref name="scratch"/>, with this run's thread counts and engine time limit.</summary>
    public static ExamplesAside Start(Shard shard, string scratch)
    {
        Directory.CreateDirectory(scratch);
        var (folder, output, errors) = (Path.Combine(scratch, "reports"), Path.Combine(scratch, "output.txt"), Path.Combine(scratch, "errors.txt"));
        var (program, prefix) = ParityProcess.Command();
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // The user's --threads, if any; else that process chooses each spec's own, as this one does.
        string[] threads = Backends.FixedThreads is { } count ? ["--threads", count.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        foreach (var argument in (string[])["-c", "out=$1 err=$2; shift 2; exec \"$@\" >\"$out\" 2>\"$err\"", "sh", output, errors, program, .. prefix,
                     "suite", OptionName, Shard.OptionName, shard.ToString(), "--out", folder, .. threads,
                     "--engine-timeout", ExecEngine.Timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            start.ArgumentList.Add(argument);
        // Its index is not this run's: the job summary gets this run's alone.
        start.Environment.Remove("GITHUB_STEP_SUMMARY");
        var process = Process.Start(start) ?? throw new InputException("/bin/sh could not be started to take the example engines' reports");
        return new ExamplesAside(process, folder, output, errors);
    }

    /// <summary>
    /// Waits for the reports, prints what their process printed, and moves each report into
    /// <paramref name="staging"/>; returns them with their wall seconds, in the set's order.
    /// </summary>
    public IReadOnlyList<(ExampleResult Result, double Seconds)> Finish(IReadOnlyList<ExampleEngine> examples, string staging, TextWriter console)
    {
        _process.WaitForExit();
        console.Write(File.ReadAllText(_output));
        var errors = File.ReadAllText(_errors).Trim();
        switch (_process.ExitCode)
        {
            case ParityCommandLine.Passed or ParityCommandLine.Failed:
                break;
            case Interruption.ExitCode:
                throw new OperationCanceledException();
            // Its one line of bad input ("parity: …") is this run's.
            case ParityCommandLine.BadInput:
                throw new InputException(errors.StartsWith("parity: ", StringComparison.Ordinal) ? errors["parity: ".Length..] : errors);
            default:
                throw new InputException($"the example engines' reports stopped with exit code {_process.ExitCode}: {InputException.OneLine(errors)}");
        }
        var run = RunResult.Read(_folder);
        return run.Examples.Select(path =>
        {
            var result = SpecResult.Read(_folder, path, "run parity suite again");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(staging, path))!);
            Directory.Move(Path.Combine(_folder, path), Path.Combine(staging, path));
            var example = examples.Single(e => ExampleResult.PathOf(e, result.Spec) == path);
            return (new ExampleResult(example, result), run.WallSeconds[path]);
        }).ToList();
    }

    /// <summary>Stops the process if it still runs (this run failed or was interrupted first).</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
