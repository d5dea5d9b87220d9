using System.Globalization;
using System.Text.Json;
using Parity.Cli.Output;
using Parity.Harness.Benchmarks;
using Parity.Spec;

namespace Parity.Cli.Sharding;

/// <summary>
/// What each report of a folder of specs costs, for balancing shards: the wall seconds last measured
/// (<c>costs.json</c> beside the specs, committed; <c>parity suite</c> refreshes the built-in suite's),
/// else an estimate from the spec itself — its training FLOPs, the rows and epochs they are spent on —
/// turned into seconds at the median rate of the measured specs, so a new spec is balanced too.
/// </summary>
public static class SpecCosts
{
    public const string FileName = "costs.json";

    /// <summary>The file's one field: seconds by report (a spec's name, or an example's report path).</summary>
    sealed record CostFile(IReadOnlyDictionary<string, double> WallSeconds);

    /// <summary>Fashion-MNIST's training split: a file source's <c>train</c> is only a limit, and no source yields more.</summary>
    const int MostRows = 60_000;

    public static IReadOnlyDictionary<string, double> Measured(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return new Dictionary<string, double>();
        try
        {
            var file = JsonSerializer.Deserialize<CostFile>(File.ReadAllText(path), Json.Options);
            return file?.WallSeconds is { } seconds && seconds.Values.All(s => double.IsFinite(s) && s >= 0)
                ? seconds
                : throw new InputException($"{path}: holds no wall seconds per spec; delete it (the specs' costs are then estimated) or refresh it with parity suite");
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not a Parity cost file ({InputException.OneLine(e.Message)}); delete it (the specs' costs are then estimated) or refresh it with parity suite");
        }
    }

    /// <summary>The spec's work in FLOPs: a training step's per row, times the rows and epochs trained, times the grid's settings.</summary>
    public static double Estimate(ParitySpec spec) =>
        (double)FlopCount.Of(spec, 1).TrainStep * Math.Min(spec.Data.Train, MostRows) * spec.Train.Epochs * (spec.Grid?.Optimizers.Count ?? 1);

    /// <summary>Each report's cost in seconds, as measured in <paramref name="folder"/>'s cost file (none for a spec given alone), else estimated.</summary>
    public static IReadOnlyDictionary<string, double> Of(IReadOnlyList<(string Name, ParitySpec Spec)> reports, string? folder) =>
        Of(reports, folder is null ? new Dictionary<string, double>() : Measured(folder));

    /// <summary>Each report's cost in seconds: measured, else estimated at the measured reports' median seconds per FLOP (1 when none is measured).</summary>
    public static IReadOnlyDictionary<string, double> Of(IReadOnlyList<(string Name, ParitySpec Spec)> reports, IReadOnlyDictionary<string, double> measured)
    {
        var rates = reports.Where(r => measured.ContainsKey(r.Name)).Select(r => measured[r.Name] / Math.Max(Estimate(r.Spec), 1)).Order().ToList();
        var rate = rates.Count == 0 ? 1 : rates[rates.Count / 2];
        return reports.ToDictionary(r => r.Name, r => measured.TryGetValue(r.Name, out var seconds) ? seconds : rate * Estimate(r.Spec));
    }

    /// <summary>
    /// Writes the folder's cost file: the seconds just measured, the file's earlier figures for the
    /// reports of <paramref name="set"/> not run this time, none for a report no longer in the set.
    /// A measured figure within <see cref="Noise"/> of the file's is the file's: on the 2-core machine
    /// the same code's reports moved by up to 1.8 s (a 1.8 s spec took 3.6) and 13 % (the CNN, 53 → 60 s)
    /// from run to run, which is no change worth a split: the shards now stay as they were unless a
    /// report's cost really moved. Tenths of a second: finer would change the file without changing a split.
    /// </summary>
    public static void Refresh(string folder, IReadOnlyDictionary<string, double> measured, IReadOnlyList<string> set)
    {
        var before = Measured(folder);
        var seconds = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in set)
        {
            var known = before.TryGetValue(name, out var earlier);
            if (measured.TryGetValue(name, out var now) && !(known && Noise(earlier, now)))
                seconds[name] = Math.Round(now, 1);
            else if (known)
                seconds[name] = earlier;
        }
        AtomicFile.Write(Path.Combine(folder, FileName), Json.Serialize(new CostFile(seconds)) + "\n");
    }

    /// <summary>Whether a report's cost moved from <paramref name="earlier"/> to <paramref name="now"/> seconds by no more than a run's noise: two seconds, or a quarter.</summary>
    static bool Noise(double earlier, double now) => Math.Abs(now - earlier) <= Math.Max(2, earlier / 4);
}
