using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parity.Cli.Output;
using Parity.Harness.Benchmarks;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Torch.Twin;

namespace Parity.Cli.Commands;

/// <summary>
/// The reference timed at its best for <c>parity bench</c>: in a parity process of its own (the hidden
/// <c>reference-alone</c> command) that leaves TorchSharp every default of its own — none of Parity's
/// waiting policies (<see cref="NativeSettings"/>), no OpenMP or OpenBLAS variable, no OpenBLAS loaded
/// beside it — at each thread count from 1 to the cores. Parity's policies suit the two engines taking turns
/// on two cores, and slowed TorchSharp's step by 1.2–2.1× against a plain TorchSharp program (issue 26).
/// The one setting it keeps is the heap's (<see cref="NativeSettings.KeepFreedMemory"/>), which only spares
/// libtorch page faults; the plain TorchSharp loop it is tested against keeps it too.
/// </summary>
public static class ReferenceAlone
{
    public const string Name = "reference-alone";

    const double WarmUpSeconds = 1;

    /// <summary>The lines of the exchange with the process: it says it is warm, and each request asks for one more timing.</summary>
    const string Ready = "ready", NextRound = "time";

    /// <summary>Variables that tune OpenMP (libtorch's threads), oneMKL and OpenBLAS: the child process gets none of them.</summary>
    static readonly string[] NativePrefixes = ["OMP_", "GOMP_", "KMP_", "MKL_", "OPENBLAS_", "GOTO_"];

    /// <summary>Whether these arguments run the hidden command, which must find the native libraries untouched.</summary>
    public static bool Runs(string[] args) => args is [Name, ..];

    /// <summary>
    /// A reference-alone process kept for all of a spec's rounds: started and warmed up once, then timed at every
    /// thread count each time <see cref="Next"/> asks, so that the rounds alternating it with the engine cost one
    /// process start rather than one each, and can be many and short: the closer in time the two sides of a
    /// round's ratio, the less a machine that moves between a faster and a slower state parts them.
    /// </summary>
    public sealed class Session : IDisposable
    {
        readonly Process _process;
        readonly Task<string> _error;
        readonly string _spec;

        Session(Process process, string spec)
        {
            _process = process;
            _spec = spec;
            // Read all along, so that a process writing much to it never blocks; only a failure's message is used.
            _error = process.StandardError.ReadToEndAsync();
        }

        public static Session Start(ParitySpec spec, int cores, BenchmarkOptions options)
        {
            var (program, prefix) = ParityProcess.Command();
            var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            string[] repetitions = options.Repetitions is { } n ? ["--repetitions", n.ToString(CultureInfo.InvariantCulture)] : [];
            foreach (var argument in (string[])[.. prefix, Name, spec.SourcePath, "--up-to", cores.ToString(CultureInfo.InvariantCulture),
                         "--min-time", options.MinSeconds.ToString(CultureInfo.InvariantCulture), .. repetitions])
                start.ArgumentList.Add(argument);
            Prepare(start);
            var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} could not be started to time the reference alone");
            var session = new Session(process, spec.SourcePath);
            try
            {
                // Its warm-up done before the engine is timed beside it: the line that says so.
                if (session.Reply() != Ready)
                    throw new InvalidOperationException($"timing the reference alone on {spec.SourcePath}: the process did not say it was ready");
                return session;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }

        /// <summary>One more timing at each thread count, in the process already warm.</summary>
        public AtBest Next()
        {
            try
            {
                _process.StandardInput.WriteLine(NextRound);
                _process.StandardInput.Flush();
            }
            catch (IOException)
            {
                // It has ended: Reply says why.
            }
            return JsonSerializer.Deserialize<AtBest>(Reply(), Json.Options) ?? throw new InvalidOperationException("the reference timed alone wrote no figures");
        }

        /// <summary>The process's next line; if it has ended instead, why, as the exception the command's exit code calls for.</summary>
        string Reply()
        {
            if (_process.StandardOutput.ReadLine() is { } line)
                return line;
            _process.WaitForExit();
            if (_process.ExitCode == Interruption.ExitCode)
                throw new OperationCanceledException();
            var error = _error.Result;
            // Its refusal of the spec is the user's input, said once as its own message; anything else is Parity's failure.
            if (_process.ExitCode == ParityCommandLine.BadInput)
                throw new InputException(InputException.OneLine(error.Trim()).Replace("parity: ", "", StringComparison.Ordinal));
            var why = error.Trim() is "" ? "it ended without an answer" : InputException.OneLine(error.Trim());
            throw new InvalidOperationException($"timing the reference alone on {_spec} failed (exit {_process.ExitCode}): {why}");
        }

        /// <summary>Ends the process: its input closed, it exits.</summary>
        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It has ended already: nothing is left to close.
            }
            _process.WaitForExit();
            _process.Dispose();
        }
    }

    /// <summary>
    /// The process the reference is timed in, and any program timed against it: no variable that tunes the native
    /// libraries, and every method compiled fully optimized at its first call. With the JIT's tiers, a fresh parity
    /// process was still compiling 9 s into its warm-up (its quarter-second rounds of the disk MLP's steps compiled
    /// nothing only from 9.6 s on; with this, from 0.5 s), and under the test command's load its one-thread figures,
    /// timed first, read 1.1–1.3× its two-thread ones, timed after.
    /// </summary>
    public static void Prepare(ProcessStartInfo start)
    {
        foreach (var variable in start.Environment.Keys.Where(k => NativePrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
            start.Environment.Remove(variable);
        start.Environment["DOTNET_TieredCompilation"] = "0";
    }

    /// <summary>
    /// The hidden command: <c>parity reference-alone SPEC --up-to N --min-time S [--repetitions R]</c> warms up and writes
    /// a line <c>ready</c>, then for each line <c>time</c> it reads, an <see cref="AtBest"/> as JSON on one line.
    /// </summary>
    public static Command Create(TextWriter output)
    {
        var specArgument = new Argument<string>("spec");
        var upTo = new Option<int>("--up-to") { DefaultValueFactory = _ => Environment.ProcessorCount };
        var minTime = new Option<double>("--min-time") { DefaultValueFactory = _ => 2 };
        var repetitions = new Option<int?>("--repetitions");
        var command = new Command(Name, "Time the reference alone, with TorchSharp's own defaults, at 1 to N threads (parity bench runs it)")
            { specArgument, upTo, minTime, repetitions };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var spec = SpecLoader.Load(parse.GetValue(specArgument)!);
            var data = DatasetLoader.Load(spec);
            var options = new BenchmarkOptions(parse.GetValue(minTime), parse.GetValue(repetitions));
            // A fresh process: a first second of steps, not kept, fills libtorch's caches (and the JIT's, where the
            // process was not started by Time). Timed at once, half a second of the disk MLP's steps read 0.44–0.61 ms;
            // after it, 0.41, as in a warm process.
            TorchRuntime.Threads = 1;
            BenchmarkRunner.Alone(Backends.Reference, new BenchmarkOptions(WarmUpSeconds), spec, data, Backends.InitialParameters(spec));
            output.WriteLine(Ready);
            output.Flush();
            // One timing at every thread count per line asked for, until the input ends.
            while (Console.In.ReadLine() is { } request)
            {
                if (request != NextRound)
                    throw new InvalidOperationException($"{Name} reads '{NextRound}' lines; it got '{request}'");
                // Each round starts with the heap of a fresh process, as when each had a process of its own: libtorch's
                // tensors left to finalizers by the rounds before are freed now, not whenever a collection comes. With a
                // managed heap that grows a few KB a step, none came, and the disk MLP's process grew to 2.5 GB in five rounds.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var best = AtBest.Measure(parse.GetValue(upTo), threads =>
                {
                    TorchRuntime.Threads = threads;
                    return BenchmarkRunner.Alone(Backends.Reference, options, spec, data, Backends.InitialParameters(spec));
                });
                output.WriteLine(Json.SerializeLine(best));
                output.Flush();
            }
            return ParityCommandLine.Passed;
        });
        return command;
    }
}
