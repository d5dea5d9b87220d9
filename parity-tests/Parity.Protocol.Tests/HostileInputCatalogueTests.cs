using Xunit.Abstractions;

namespace Parity.Protocol.Tests;

/// <summary>
/// The hostile-input catalogue (docs/commands.md, "What every command promises"): one row per behaviour — an engine, a file or a
/// signal set against Parity — each run as Parity's own process in a folder of its own, and judged the
/// same way: the exit code and the one message, the time to exit, Parity's peak resident memory at most
/// 600 MiB above that of a run with a well-behaved engine, no process the engine started still there
/// (none in the engine's process group, none with the row's marker in its command line), and not one
/// file of the folder changed.
/// </summary>
public class HostileInputCatalogueTests(ITestOutputHelper log)
{
    const double MemoryBudgetMiB = 600;

    /// <summary>A row: what Parity is given in a folder, and what it must come to.</summary>
    /// <summary>
    /// Seconds from a signal to parity's exit: a hang would wait out the engine's timeout (60 s by default) or
    /// forever, while parity exits 0.1 s after the signal (1.5 s when it is blocked opening a FIFO, no safe point
    /// near, with two builds beside it); the test command runs every test project at once, and under that load
    /// such an exit took over the 2 s this was before.
    /// </summary>
    const double SignalledExit = 10;

    sealed record Row(Func<Folder, string[]> Arguments, int Exit, string Message, double Seconds, string? SignalOnLine = null, string[]? Signals = null, double SignalAfter = 0);

    /// <summary>The row's folder, with a copy of the xor spec, a file that is no one's output, and previous reports (marked as Parity's, so that a run may replace them).</summary>
    sealed class Folder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("parity-hostile-").FullName;

        public string Marker { get; } = $"parity-catalogue-{Guid.NewGuid():N}";

        public Folder()
        {
            File.Copy(Engines.Spec("xor-tanh-bce.yaml"), this["xor.yaml"]);
            File.WriteAllText(this["precious.txt"], "not Parity's");
            var reports = Directory.CreateDirectory(this["reports"]).FullName;
            File.WriteAllText(System.IO.Path.Combine(reports, "README.md"), "previous reports");
            File.WriteAllText(System.IO.Path.Combine(reports, Cli.Output.OutputFolder.MarkFile), "");
        }

        public string this[string name] => System.IO.Path.Combine(Path, name);

        /// <summary>The engine <c>hostile.py MODE</c>, its processes marked with this row's marker.</summary>
        public string Hostile(string mode, string argument = "") => Engines.Fault("hostile.py", $"{mode} {Marker} {argument}");

        public string Write(string name, string text)
        {
            File.WriteAllText(this[name], text);
            return name;
        }

        /// <summary>The xor spec's parameters in a safetensors file, all zeros but <paramref name="value"/> in 2.weight[0, 1].</summary>
        public string Weights(string name, double value)
        {
            File.WriteAllBytes(this[name], SafetensorsCodec.Encode(
            [
                SafetensorsTensor.Float("0.weight", [4, 2], new double[8], float32: false),
                SafetensorsTensor.Float("0.bias", [4], new double[4], float32: false),
                SafetensorsTensor.Float("2.weight", [1, 4], [0, value, 0, 0], float32: false),
                SafetensorsTensor.Float("2.bias", [1], new double[1], float32: false),
            ]));
            return name;
        }

        public string Fifo(string name)
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [this[name]])!;
            mkfifo.WaitForExit();
            return name;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    static readonly string Xor = File.ReadAllText(Engines.Spec("xor-tanh-bce.yaml"));

    static readonly Dictionary<string, Row> Rows = new()
    {
        ["an engine writing an endless stderr line"] = new(f => ["check", "xor.yaml", "--engine-timeout", "5", "--engine", f.Hostile("stderr-flood")],
            2, "engine 'stub', request 'gradients' (id 4): no answer within 5 s (--engine-timeout)", 30),
        ["an engine answering with a stdout line 100 MiB beyond its limit"] = new(f => ["check", "xor.yaml", "--engine", f.Hostile("long-line", $"{101 << 20}")],
            2, "engine 'stub', request 'gradients' (id 4): its standard output has a line longer than", 30),
        ["an engine answering a line longer than --engine-max-line"] = new(f => ["check", "xor.yaml", "--engine-max-line", "50", "--engine", f.Hostile("hang")],
            2, "engine 'python3', request 'hello' (id 1): its standard output has a line longer than 50 bytes (--engine-max-line)", 30),
        ["a correct engine that leaves a background child and a setsid grandchild"] = new(f => ["check", "xor.yaml", "--engine", f.Hostile("numpy", Engines.NumpyScript)],
            0, "", 120),
        ["an engine that hangs, with children, past its timeout"] = new(f => ["check", "xor.yaml", "--engine-timeout", "3", "--engine", f.Hostile("hang")],
            2, "engine 'stub', request 'gradients' (id 4): no answer within 3 s (--engine-timeout)", 30),
        ["Ctrl-C while the engine hangs in a request"] = new(f => ["report", "xor.yaml", "--out", "reports", "--shrink-seconds", "0", "--engine", f.Hostile("hang")],
            130, "interrupted", SignalledExit, SignalOnLine: "hanging", Signals: ["INT"]),
        ["three Ctrl-Cs and a SIGTERM while the engine hangs in a request"] = new(f => ["report", "xor.yaml", "--out", "reports", "--shrink-seconds", "0", "--engine", f.Hostile("hang")],
            130, "interrupted", SignalledExit, SignalOnLine: "hanging", Signals: ["INT", "INT", "INT", "TERM"]),
        ["SIGTERM while the engine hangs in a request"] = new(f => ["check", "xor.yaml", "--engine", f.Hostile("hang")],
            130, "interrupted", SignalledExit, SignalOnLine: "hanging", Signals: ["TERM"]),
        ["Ctrl-C while Parity waits on opening a file, no safe point near"] = new(f => ["check", "xor.yaml", "--baseline", f.Fifo("baseline.json")],
            130, "interrupted", SignalledExit, Signals: ["INT"], SignalAfter: 5),
        ["init from a FIFO"] = new(f => ["check", f.Write("from-fifo.yaml", Xor + $"init: {{from: {f.Fifo("w.pt")}}}\n")],
            2, "w.pt is a FIFO, not a regular file", 20),
        ["a spec that is a FIFO"] = new(f => ["check", f.Fifo("spec.yaml")],
            2, "spec.yaml is a FIFO, not a regular file", 20),
        ["a csv path that is /dev/zero"] = new(f => ["check", f.Write("table.yaml", Table("/dev/zero"))],
            2, "/dev/zero is a character device, not a regular file", 20),
        ["100 layers of linear: 10000"] = new(f => ["check", f.Write("deep.yaml", Disk(string.Concat(Enumerable.Repeat("  - linear: 10000\n", 100)), rows: 1000, batch: 100))],
            2, "the largest part is the parameters with their gradients and optimizer state", 20),
        ["10M training rows, batch 10M, linear: 1000000"] = new(f => ["check", f.Write("wide.yaml", Disk("  - linear: 1000000\n", rows: 10_000_000, batch: 10_000_000))],
            2, "the largest part is the activations of a training batch", 20),
        ["a spec beyond --max-memory"] = new(f => ["check", f.Write("many-rows.yaml", Disk("  - linear: 25\n", rows: 100_000, batch: 100)), "--max-memory", "1"],
            2, "more than the 1.0 MiB of --max-memory; the largest part is the data", 20),
        // 39 MiB before attention's weights [8, 63, 63] a row, its dropout mask and the weights after it were counted.
        ["attention beyond --max-memory"] = new(f => ["check", f.Write("wide-attention.yaml", WideAttention), "--max-memory", "80"],
            2, "parity: wide-attention.yaml: a run needs an estimated 96.3 MiB for both engines, more than the 80.0 MiB of --max-memory; the largest part is the activations of a training batch, 96.2 MiB", 20),
        ["NaN in the init: {from} weights"] = new(f => ["check", f.Write("from-nan.yaml", Xor + $"init: {{from: {f.Weights("w.safetensors", double.NaN)}}}\n")],
            2, "tensor '2.weight' holds NaN at flat index 1", 20),
        ["Infinity in the init: {from} weights"] = new(f => ["check", f.Write("from-inf.yaml", Xor + $"init: {{from: {f.Weights("w.safetensors", double.PositiveInfinity)}}}\n")],
            2, "tensor '2.weight' holds Infinity at flat index 1", 20),
    };

    /// <summary>A spec of the disk task: <paramref name="hidden"/> layers (YAML list items), then the two outputs.</summary>
    static string Disk(string hidden, int rows, int batch) => $$"""
        name: big
        seed: 1
        data: {source: disk, train: {{rows}}, test: 10}
        model:
        {{hidden}}  - linear: 2
        loss: mse
        targets: one-hot
        optimizer:
          sgd: {lr: 0.1}
        train: {epochs: 1, batch: {{batch}}}
        """;

    /// <summary>T = 63 (sort of 32 digits), 8 heads: attention's weights are 31,752 values a row, every layer's output 1,260.</summary>
    const string WideAttention = """
        name: wide-attention
        seed: 1
        dtype: float32
        data: {source: sort, length: 32, digits: 3, train: 64, test: 16}
        model: [embedding: {vocab: 3, dim: 8}, causal-self-attention: {heads: 8, dropout: 0.1}, linear: 3]
        loss: cross-entropy
        optimizer:
          sgd: {lr: 0.1}
        train: {epochs: 1, batch: 64}
        """;

    static string Table(string path) => $$"""
        name: table
        seed: 3
        data: {source: csv, path: {{path}}, target: y, test: 2}
        model: [linear: 1]
        loss: mse
        optimizer:
          sgd: {lr: 0.1}
        train: {epochs: 1, batch: 2}
        """;

    public static TheoryData<string> Names => [.. Rows.Keys];

    /// <summary>Peak resident memory of a check of the xor spec with an engine that answers everything: the figure the budget is above.</summary>
    static readonly Lazy<double> IdleMiB = new(() =>
    {
        using var folder = new Folder();
        var run = ParityUnderWatch.Run(folder.Path, ["check", "xor.yaml", "--engine", Engines.Fault("stub.py")], 120, double.MaxValue);
        Assert.True(run.Exit == 1, run.Error);
        return run.PeakMiB;
    });

    [Theory]
    [MemberData(nameof(Names))]
    public void Parity_comes_to_one_message_in_time_within_its_memory_and_leaves_nothing_behind(string name)
    {
        var row = Rows[name];
        using var folder = new Folder();
        var arguments = row.Arguments(folder);
        var before = Snapshot(folder.Path);

        var run = ParityUnderWatch.Run(folder.Path, arguments, row.Seconds, IdleMiB.Value + MemoryBudgetMiB, row.SignalOnLine, row.Signals, row.SignalAfter);

        var figures = $"{name}: {run.Stopped ?? $"exit {run.Exit}"} after {run.Seconds:0.0} s, peak {run.PeakMiB:0} MiB (idle {IdleMiB.Value:0} MiB)";
        log.WriteLine(figures);
        var said = $"{figures}\n{run.Error}";
        Assert.True(run.Stopped is null, said);
        Assert.True(run.Exit == row.Exit, said);
        if (row.Exit != 0)
        {
            var last = run.Error.TrimEnd().Split('\n')[^1];
            Assert.StartsWith("parity: ", last);
            Assert.Contains(row.Message, last);
        }
        Assert.DoesNotContain(" at Parity.", run.Error);
        Assert.True(run.Seconds <= row.Seconds, said);
        var survivors = Survivors(folder.Marker, Engines.AnnouncedProcesses(run.Error));
        Assert.True(survivors.Count == 0, $"{said}\nstill there: {string.Join("\n", survivors)}");
        Assert.Equal(before, Snapshot(folder.Path));
    }

    /// <summary>Every process still there with the marker in its command line or in an engine's process group (a zombie has neither: it is gone but for its exit code).</summary>
    static List<string> Survivors(string marker, IReadOnlyList<int> engines) =>
        [.. Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(entry => entry!.All(char.IsAsciiDigit))
            .Select(pid => (Pid: pid!, CommandLine: Read($"/proc/{pid}/cmdline").Replace('\0', ' '), Stat: Read($"/proc/{pid}/stat")))
            .Where(p => p.CommandLine.Contains(marker) || (p.Stat.Length > 0 && engines.Contains(Group(p.Stat))))
            .Select(p => $"{p.Pid}: {p.CommandLine} ({p.Stat})")];

    /// <summary>The process group from /proc/PID/stat: the fields after the command's closing parenthesis are state, ppid, pgrp.</summary>
    static int Group(string stat) => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);

    static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Every entry under the folder with its size and time of change.</summary>
    static List<string> Snapshot(string folder) =>
        [.. new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(e => $"{Path.GetRelativePath(folder, e.FullName)} {(e as FileInfo)?.Length} {e.LastWriteTimeUtc:O}")
            .Order(StringComparer.Ordinal)];
}
