using Parity.Harness.Concurrency;
using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>
/// Trains backends per their spec, side by side: the spec's epochs, the seeded batch order, every
/// backend given the same batch at every step, an evaluation of every split after each epoch.
/// Two backends <paramref name="atOnce"/> take each training step, and evaluate each chunk of a split, at the same
/// time (<see cref="AtOnceCalls"/>).
/// </summary>
public sealed class Trainer(ParitySpec spec, Dataset data, bool atOnce = false)
{
    /// <summary>
    /// The most training rows an epoch's train loss and accuracy are measured on; a larger split is
    /// measured on this many of its rows, drawn once from the spec's seed, the same every epoch and
    /// for every backend. Such a sample puts the accuracy within half a percentage point, and measuring
    /// all 60,000 of Fashion-MNIST's was a third of a CNN's lockstep training.
    /// </summary>
    public const int TrainEvaluationRows = 10_000;

    readonly SplitEvaluator _evaluator = new(spec);
    readonly DataSplit _trainEvaluation = data.Train.Rows <= TrainEvaluationRows ? data.Train
        : data.Train.Select(data.Train.Name, SeededRandom.For(spec.Seed, "train evaluation").Permutation(data.Train.Rows)[..TrainEvaluationRows].Order().ToArray());

    public int StepsPerEpoch => (data.Train.Rows + spec.Train.Batch - 1) / spec.Train.Batch;

    public int TotalSteps => StepsPerEpoch * spec.Train.Epochs;

    /// <summary>
    /// Per backend, its metrics per epoch. <paramref name="afterStep"/> sees every step's number, epoch, losses (one per backend)
    /// and batch; <paramref name="step"/>, when given, takes every backend's step on the batch in place of their TrainStep, and returns their losses.
    /// <paramref name="afterOwnStep"/>, when given, follows each backend's TrainStep with its index, on the thread that took the step:
    /// what it does there for the side that finishes first is done while the other still steps. A <paramref name="step"/> that
    /// replaces TrainStep takes both sides' steps itself, so it is not called then.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<EpochMetrics>> Train(IReadOnlyList<IBackend> backends, Action<int, int, double[], Batch>? afterStep = null, Func<Batch, double[]>? step = null,
        Action<int>? afterOwnStep = null)
    {
        var epochs = backends.Select(_ => new List<EpochMetrics>()).ToArray();
        var taken = 0;
        using var together = atOnce && backends.Count == 2 ? new AtOnceCalls() : null;
        for (var epoch = 1; epoch <= spec.Train.Epochs; epoch++)
        {
            var order = BatchOrder.ForEpoch(spec, epoch, data.Train.Rows);
            for (var start = 0; start < order.Length; start += spec.Train.Batch)
            {
                var rows = order.AsSpan(start, Math.Min(spec.Train.Batch, order.Length - start));
                var batch = Batches.ForStep(spec, data.Train, rows, epoch, start);
                double TrainStep(IBackend backend, int index)
                {
                    var loss = backend.TrainStep(batch);
                    afterOwnStep?.Invoke(index);
                    return loss;
                }
                var losses = step?.Invoke(batch) ?? together?.Call(backends[0], backends[1], nameof(IBackend.TrainStep), batch.Rows, b => TrainStep(b, b == backends[0] ? 0 : 1))
                    ?? [.. backends.Select(TrainStep)];
                afterStep?.Invoke(++taken, epoch, losses, batch);
            }
            foreach (var backend in backends)
                backend.EndEpoch();
            var measured = Measure(backends, epoch, together);
            for (var i = 0; i < backends.Count; i++)
                epochs[i].Add(measured[i]);
        }
        return epochs;
    }

    EpochMetrics[] Measure(IReadOnlyList<IBackend> backends, int epoch, AtOnceCalls? together)
    {
        var train = _evaluator.Evaluate(backends, _trainEvaluation, together)!;
        var validation = _evaluator.Evaluate(backends, data.Validation, together);
        var test = _evaluator.Evaluate(backends, data.Test, together);
        return [.. train.Select((t, i) => new EpochMetrics(epoch, t.Loss, t.Accuracy, validation?[i].Loss, validation?[i].Accuracy, test?[i].Loss, test?[i].Accuracy))];
    }
}
