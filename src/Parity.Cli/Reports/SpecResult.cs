using System.Text.Json;
using Parity.Cli.Output;
using Parity.Spec;

namespace Parity.Cli.Reports;

/// <summary>
/// Everything a report shows for one spec (result.json): the engine under test and the reference by
/// name, the check, the lockstep training, their verdict, and last the runtime — the only timings —
/// and the machine that made them, which sets their last bits: both kept last so that comparisons can
/// set them aside.
/// </summary>
public sealed record SpecResult(string Spec, string Description, string Engine, string Reference, bool Passed, CheckSpecReport Check, TrainSpecReport Train, BenchSpecReport Bench, MachineReport Machine)
{
    /// <summary>The figures a reader looks at first, for the index.</summary>
    public double MaxGradientRelErr => Check.Parameters.Select(p => p.MaxRelErr).Append(Check.InputGradient.MaxRelErr).Max();

    public EpochFigure Last => new(Train.Epochs[^1].Engine, Train.Epochs[^1].Twin);

    /// <summary>For a failing check, the smallest spec that fails it the same way, written beside the report; null otherwise.</summary>
    public ReproductionSummary? Reproduction { get; init; }

    /// <summary>The result.json of the report at <paramref name="path"/> under the report folder <paramref name="folder"/>; <paramref name="again"/> says what to run again when it is not one.</summary>
    public static SpecResult Read(string folder, string path, string again)
    {
        var file = System.IO.Path.Combine(folder, path, RunResult.FileName);
        try
        {
            return JsonSerializer.Deserialize<SpecResult>(File.ReadAllText(file), Json.Options)
                ?? throw new InputException($"{file}: empty; {again}");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new InputException($"{file}: not the result.json of a report ({InputException.OneLine(e.Message)}); {again}");
        }
    }
}

/// <summary>Where a failing report's minimal reproduction is (relative to the report), how much smaller it is, and what was taken out.</summary>
public sealed record ReproductionSummary(string Folder, Harness.Shrinking.SpecSize Before, Harness.Shrinking.SpecSize After, IReadOnlyList<string> Removed);

public sealed record EpochFigure(Harness.Training.EpochMetrics? Engine, Harness.Training.EpochMetrics? Twin);
