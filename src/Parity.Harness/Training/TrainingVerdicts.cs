using Parity.Spec;

namespace Parity.Harness.Training;

/// <summary>
/// Every training verdict: a lockstep run's (identical up to rounding, rounding amplified, diverged, NaN), a grid's
/// (every setting identical, both engines picking the same), K seeds' (each run, and the TOST equivalence of the
/// final test figures), one side's alone, and the spec's expectations on each side.
/// </summary>
public static class TrainingVerdicts
{
    const string Engine = Sides.Engine, Twin = Sides.Twin;

    public static TrainingOutcome Lockstep(ParitySpec spec, LockstepResult result)
    {
        var runs = Runs(result);
        var verdict = Verdict(spec, result);
        var failures = Missed(spec, runs);
        if (!result.Identical)
            failures.Add(verdict);
        return new TrainingOutcome(spec, verdict, failures, runs, Lockstep: result, NonFinite: result.NonFinite);
    }

    public static TrainingOutcome Grid(ParitySpec spec, GridResult grid)
    {
        var winner = grid.Entries[grid.EngineWinner];
        var runs = Runs(winner.Result);
        var failures = Missed(spec, runs);
        failures.AddRange(grid.Entries.Select((e, i) => (e, i)).Where(p => !p.e.Result.Identical).Select(p => $"setting #{p.i + 1}: {Verdict(spec, p.e.Result)}"));
        if (!grid.SameWinner)
            failures.Add($"the engines pick different settings: engine #{grid.EngineWinner + 1}, reference #{grid.TwinWinner + 1}");
        var verdict = failures.Count == 0
            ? $"identical up to rounding in all {grid.Entries.Count} settings; both engines pick #{grid.EngineWinner + 1}"
            : string.Join("; ", failures);
        return new TrainingOutcome(spec, verdict, failures, runs, Lockstep: winner.Result, NonFinite: winner.Result.NonFinite,
            Grid: new GridOutcome(grid, [.. grid.Entries.Select(e => Verdict(spec, e.Result))]));
    }

    /// <summary>K lockstep runs (<paramref name="variants"/>: the spec with seeds spec.Seed, spec.Seed + 1, …) and the equivalence of their final test figures within <paramref name="margin"/>.</summary>
    public static TrainingOutcome Seeds(ParitySpec spec, IReadOnlyList<ParitySpec> variants, IReadOnlyList<LockstepResult> results, double margin)
    {
        double Final(IReadOnlyList<EpochMetrics> epochs, bool accuracy) => accuracy ? epochs[^1].TestAccuracy ?? double.NaN : epochs[^1].TestLoss ?? double.NaN;
        MetricStudy Study(bool accuracy)
        {
            var engine = results.Select(r => Final(r.Engine, accuracy)).ToList();
            var twin = results.Select(r => Final(r.Twin, accuracy)).ToList();
            var twinSummary = Statistics.SeedStatistics.Summarize(twin);
            var scaledMargin = accuracy ? margin : margin * Math.Abs(twinSummary.Mean);
            return new MetricStudy(Statistics.SeedStatistics.Summarize(engine), twinSummary, Statistics.SeedStatistics.Tost(engine, twin, scaledMargin));
        }
        var seeds = new SeedsOutcome(variants, results, spec.Accuracy != AccuracyRule.None ? Study(accuracy: true) : null, Study(accuracy: false));

        var failures = results.Select((r, i) => (r, i)).Where(p => !p.r.Identical).Select(p => $"seed {variants[p.i].Seed}: {Verdict(spec, p.r)}").ToList();
        failures.AddRange(results.SelectMany((r, i) => Missed(variants[i], Runs(r)).Select(m => $"seed {variants[i].Seed}: {m}")));
        failures.AddRange(seeds.Studies.Where(s => !s.Study.Equivalence.Equivalent).Select(s => $"{s.Name}: not shown equivalent within ±{Figures.Loss(s.Study.Equivalence.Margin)}"));
        var verdict = failures.Count == 0
            ? $"equivalent over {results.Count} seeds, every run {(results.All(r => r.WithinRounding) ? "identical up to rounding" : "without a jump")}"
            : string.Join("; ", failures);
        return new TrainingOutcome(spec, verdict, failures, Runs(results[0]), Lockstep: results[0], NonFinite: results[0].NonFinite, Seeds: seeds);
    }

    /// <summary>One side trained by itself, named <paramref name="name"/>: its expectations, and its first NaN/Inf.</summary>
    public static TrainingOutcome Alone(ParitySpec spec, string name, IReadOnlyList<EpochMetrics> epochs, NonFinite? nonFinite)
    {
        var runs = new Dictionary<string, IReadOnlyList<EpochMetrics>> { [name] = epochs };
        var failures = Missed(spec, runs);
        var verdict = nonFinite is not null ? $"{Sides.Word(name)} alone: {nonFinite.Where}"
            : failures.Count == 0 ? $"{Sides.Word(name)} alone: trained as expected" : $"{Sides.Word(name)} alone: expectation missed";
        if (nonFinite is not null)
            failures.Insert(0, verdict);
        return new TrainingOutcome(spec, verdict, failures, runs, NonFinite: nonFinite);
    }

    /// <summary>
    /// A lockstep outcome with its teacher-forced run: it fails if either does. When the check found the gradient of
    /// the first step's batch already different (<paramref name="check"/>) and that is the step forcing names, the
    /// verdict says so first: the optimizer state and parameters of that step only carry the gradient's error on. A
    /// forced run that compared the step's gradients itself (the reference took the engine's) already says so.
    /// </summary>
    public static TrainingOutcome WithTeacherForcing(TrainingOutcome lockstep, TeacherForcingResult forcing, Checks.CheckResult? check = null)
    {
        var verdict = check is { Gradients.Passed: false } && forcing.First is { Step: 1, Gradients: null }
            ? $"step 1's gradient already differs from the reference's (gradient parity, on the same parameters and batch), so its update carries that error on: {forcing.Verdict}"
            : forcing.Verdict;
        return lockstep with
        {
            Failures = forcing.Passed ? lockstep.Failures : [.. lockstep.Failures, $"teacher forcing: {verdict}"],
            TeacherForcing = forcing,
            ForcingVerdict = verdict,
        };
    }

    static string Verdict(ParitySpec spec, LockstepResult result)
    {
        var maxDrift = Figures.Loss(result.Steps.Select(s => s.RelativeDrift).DefaultIfEmpty(0).Max());
        if (result.NonFinite is { } n)
            return $"{n.Where}, {InWhich(n)}" + (result.FirstDivergence is { } jump && jump.Step < n.Step ? $"; before it, the engines {Parted(jump)}" : "");
        if (result.FirstDivergence is { } d)
            return Parted(d);
        if (result.FirstBeyondRounding is { } b)
            return $"rounding amplified by the dynamics: no jump, but from step {b.Step} (epoch {b.Epoch}) the drift grows past the rounding bound "
                + $"(parameter drift {Figures.Loss(b.RelativeDrift)}, loss difference {Figures.Loss(b.LossDiff)}, bound {Figures.Loss(b.Bound)}; max drift {maxDrift}) — the training is too sensitive for its curves to be compared step for step";
        return $"identical up to rounding: max relative parameter drift {maxDrift} over {result.Steps.Count} steps (bound at the last step {Figures.Loss(RoundingBound.At(spec.DType, result.Steps.Count))})";
    }

    static string Parted(Divergence d) =>
        $"diverged at step {d.Step} (epoch {d.Epoch}): {d.Reason}; largest drift in {d.Parameter}, {d.Layer}: relative drift {Figures.Loss(d.RelativeDrift)}, loss difference {Figures.Loss(d.LossDiff)}, rounding bound {Figures.Loss(d.Bound)}";

    /// <summary>A NaN in both engines is the spec's training blowing up, never a match; in one engine only, the two compute differently.</summary>
    static string InWhich(NonFinite n) => n.Backends.Count > 1
        ? "in both engines: the training itself blows up; lower the learning rate or the scale of the initial weights, or clip the gradients"
        : $"in the {Sides.Word(n.Backends[0])} only, while the {(n.Backends[0] == Twin ? "engine" : Sides.Word(Twin))} stays finite: the two compute differently there";

    static Dictionary<string, IReadOnlyList<EpochMetrics>> Runs(LockstepResult result) => new() { [Engine] = result.Engine, [Twin] = result.Twin };

    static List<string> Missed(ParitySpec spec, IReadOnlyDictionary<string, IReadOnlyList<EpochMetrics>> runs) =>
        runs.SelectMany(run => Expectations.Missed(spec.Expect, run.Value).Select(missed => $"{Sides.Word(run.Key)}: {missed}")).ToList();
}
