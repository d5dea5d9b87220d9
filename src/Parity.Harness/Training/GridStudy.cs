using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>One optimizer setting of a grid, trained in lockstep.</summary>
public sealed record GridEntry(OptimizerSpec Optimizer, LockstepResult Result);

/// <summary>
/// A grid's outcome: every setting, the one each engine picks on the validation split after the
/// last epoch, and the confusion matrix of each engine's pick on the test split.
/// </summary>
public sealed record GridResult(IReadOnlyList<GridEntry> Entries, int EngineWinner, int TwinWinner, int[][] EngineConfusion, int[][] TwinConfusion)
{
    public bool SameWinner => EngineWinner == TwinWinner;
}

/// <summary>Runs a spec's grid: one lockstep training per optimizer setting, from the same initial parameters and batches, the sides <paramref name="atOnce"/> or in turn (<see cref="Trainer"/>).</summary>
public sealed class GridStudy(ParitySpec spec, Dataset data, bool atOnce = false)
{
    public int TotalSteps => new Trainer(spec, data).TotalSteps * spec.Grid!.Optimizers.Count;

    public GridResult Run(BackendFactory engineFactory, BackendFactory twinFactory, IReadOnlyList<HostTensor> initial, Action? tick = null)
    {
        var entries = new List<GridEntry>();
        var confusions = new List<(int[][] Engine, int[][] Twin)>();
        foreach (var optimizer in spec.Grid!.Optimizers)
        {
            var variant = spec with { Optimizer = optimizer, Grid = null };
            var model = ModelDescriptions.Describe(variant);
            using (var engine = engineFactory(model, initial))
            using (var twin = twinFactory(model, initial))
            {
                entries.Add(new GridEntry(optimizer, new LockstepTrainer(variant, data, atOnce).Train(engine, twin, tick)));
                var evaluator = new SplitEvaluator(variant);
                confusions.Add((evaluator.Confusion(engine, data.Test), evaluator.Confusion(twin, data.Test)));
            }
        }
        var engineWinner = Best(entries.Select(e => e.Result.Engine[^1]));
        var twinWinner = Best(entries.Select(e => e.Result.Twin[^1]));
        return new GridResult(entries, engineWinner, twinWinner, confusions[engineWinner].Engine, confusions[twinWinner].Twin);
    }

    /// <summary>The index of the best last epoch by the grid's criterion; the first one on a tie.</summary>
    int Best(IEnumerable<EpochMetrics> last)
    {
        var scores = last.Select(e => spec.Grid!.Select == GridSelection.ValidationAccuracy ? e.ValidationAccuracy ?? double.NaN : -(e.ValidationLoss ?? double.NaN)).ToList();
        var best = 0;
        for (var i = 1; i < scores.Count; i++)
            if (scores[i] > scores[best] || double.IsNaN(scores[best]))
                best = i;
        return best;
    }
}
