using System.Diagnostics;
using Parity.Harness.Checks;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Yaml;

namespace Parity.Harness.Shrinking;

/// <summary>How long <see cref="Shrinker"/> may search: checks run, and seconds since it started.</summary>
public sealed record ShrinkBudget(int MaxTries = 200, double MaxSeconds = 120);

/// <summary>One reduction checked: what it changed, whether the spec kept failing the same way (and so kept it), what the check said, how long it took.</summary>
public sealed record ShrinkTry(int Number, string Change, bool Kept, string Outcome, double Seconds);

/// <summary>How big a spec is where it matters for reading a failure: trained parameters, and training steps (epochs × batches per epoch).</summary>
public sealed record SpecSize(int Parameters, int Steps);

/// <summary>
/// What <see cref="Shrinker"/> found: the smallest spec it reached (its YAML tree and its failing check), the failure's
/// identity it kept, the sizes before and after, every try, and what stopped it early (null when no reduction was left).
/// </summary>
public sealed record ShrinkResult(MappingNode Spec, CheckResult Failure, string Identity, SpecSize Before, SpecSize After, IReadOnlyList<ShrinkTry> Tries, string? StoppedBy)
{
    public string Yaml => YamlText.Write(Spec);

    public IReadOnlyList<string> Removed => [.. Tries.Where(t => t.Kept).Select(t => t.Change)];
}

/// <summary>
/// Looks for the smallest spec on which the engine still fails <c>parity check</c> the same way
/// (<see cref="FailureIdentity"/>): greedy, each reduction of <see cref="SpecReductions"/> in its fixed order kept
/// only if the failure is kept, pass after pass until a pass keeps none or the budget is spent. Everything it
/// runs is deterministic — the spec's seed draws the data and parameters, the checks are fixed — so the same spec
/// and engine shrink to the same result, as long as the budget is not what stops the search.
/// </summary>
public sealed class Shrinker(BackendFactory engine, BackendFactory twin, Func<ParitySpec, IReadOnlyList<HostTensor>> initialParameters)
{
    /// <param name="known">The original spec's failing check and its training rows when the caller has just made the check (a report has), so that it is not made twice.</param>
    public ShrinkResult Run(string specPath, ShrinkBudget budget, (CheckResult Failure, int TrainRows)? known = null)
    {
        var clock = Stopwatch.StartNew();
        var original = SpecLoader.Load(specPath);
        var tree = (MappingNode)YamlTree.Parse(File.ReadAllText(specPath), specPath);
        var current = SpecReductions.Unchecked.Aggregate(tree, SpecReductions.Without);
        var (failure, before) = known is var (made, rows) ? (made, Size(original, rows)) : Check(original);
        if (failure.Passed)
            throw new InputException($"{specPath}: the engine passes every check on this spec, so there is no failure to shrink; run parity shrink on a spec that parity check fails");
        var identity = FailureIdentity.Of(failure);
        var after = before;

        var tried = new HashSet<string>(StringComparer.Ordinal) { YamlText.Write(current) };
        var tries = new List<ShrinkTry>();
        string? stoppedBy = null;
        for (var progress = true; progress && stoppedBy is null;)
        {
            progress = false;
            // After a kept reduction the list is made again from the smaller spec, and the pass goes on from the same place in it.
            for (var position = 0; SpecReductions.Of(current).ElementAtOrDefault(position) is { } reduction; position++)
            {
                if (tries.Count >= budget.MaxTries)
                    stoppedBy = $"--max-tries {budget.MaxTries}";
                else if (clock.Elapsed.TotalSeconds >= budget.MaxSeconds)
                    stoppedBy = $"--max-seconds {budget.MaxSeconds}";
                if (stoppedBy is not null)
                    break;
                var text = YamlText.Write(reduction.Spec);
                if (!tried.Add(text) || Loads(text, specPath) is not { } candidate)
                    continue;
                var started = clock.Elapsed.TotalSeconds;
                var (outcome, result, size) = Outcome(candidate, identity);
                var kept = result is not null;
                tries.Add(new ShrinkTry(tries.Count + 1, reduction.Change, kept, outcome, clock.Elapsed.TotalSeconds - started));
                if (!kept)
                    continue;
                (current, failure, after, progress) = (reduction.Spec, result!, size!, true);
                position--;
            }
        }
        return new ShrinkResult(current, failure, identity, before, after, tries, stoppedBy);
    }

    /// <summary>A candidate the loader refuses (shapes that no longer fit, a loss that needs another width) is no spec at all: not a try.</summary>
    static ParitySpec? Loads(string text, string specPath)
    {
        try
        {
            // The original's path, so that a path in the spec (a CSV file, a state_dict) is found where it was.
            return SpecLoader.Parse(text, specPath);
        }
        catch (InputException)
        {
            return null;
        }
    }

    /// <summary>What the check said of a candidate, and the candidate's check and size when it fails the same way.</summary>
    (string Outcome, CheckResult? Result, SpecSize? Size) Outcome(ParitySpec candidate, string identity)
    {
        try
        {
            var (result, size) = Check(candidate);
            return result.Passed ? ("passes", null, null)
                : FailureIdentity.Of(result) == identity ? ("same failure", result, size)
                : ("fails another way", null, null);
        }
        catch (Exception e)
        {
            // An engine may refuse a model it was never meant to build (a width, a batch of one row): that candidate is not the same failure.
            return ($"the check stopped: {InputException.OneLine(e.Message)}", null, null);
        }
    }

    (CheckResult Result, SpecSize Size) Check(ParitySpec spec)
    {
        var data = DatasetLoader.Load(spec);
        var result = new CheckRunner(engine, twin).Run(spec, data, initialParameters(spec));
        return (result, Size(spec, data.Train.Rows));
    }

    static SpecSize Size(ParitySpec spec, int trainRows) => new(
        ModelDescriptions.Describe(spec).Parameters.Where(p => !p.Buffer).Sum(p => p.Shape.Aggregate(1, (a, b) => a * b)),
        spec.Train.Epochs * ((trainRows + spec.Train.Batch - 1) / spec.Train.Batch));
}
