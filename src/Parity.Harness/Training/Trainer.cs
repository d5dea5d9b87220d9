using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>
/// Trains backends per their spec, side by side: the spec's epochs, the seeded batch order, every
/// backend given the same batch at every step, an evaluation of every split after each epoch.
/// </summary>
public sealed class Trainer(ParitySpec spec, Dataset data)
{
    readonly SplitEvaluator _evaluator = new(spec);

    public int StepsPerEpoch => (data.Train.Rows + spec.Train.Batch - 1) / spec.Train.Batch;

    public int TotalSteps => StepsPerEpoch * spec.Train.Epochs;

    /// <summary>Per backend, its metrics per epoch. <paramref name="afterStep"/> sees every step's number, epoch and losses (one per backend).</summary>
    public IReadOnlyList<IReadOnlyList<EpochMetrics>> Train(IReadOnlyList<IBackend> backends, Action<int, int, double[]>? afterStep = null)
    {
        var epochs = backends.Select(_ => new List<EpochMetrics>()).ToArray();
        var step = 0;
        for (var epoch = 1; epoch <= spec.Train.Epochs; epoch++)
        {
            var order = BatchOrder.ForEpoch(spec, epoch, data.Train.Rows);
            for (var start = 0; start < order.Length; start += spec.Train.Batch)
            {
                var rows = order.AsSpan(start, Math.Min(spec.Train.Batch, order.Length - start));
                var batch = Batches.ForStep(spec, data.Train, rows, epoch, start);
                var losses = backends.Select(b => b.TrainStep(batch)).ToArray();
                afterStep?.Invoke(++step, epoch, losses);
            }
            for (var i = 0; i < backends.Count; i++)
            {
                backends[i].EndEpoch();
                epochs[i].Add(Measure(backends[i], epoch));
            }
        }
        return epochs;
    }

    EpochMetrics Measure(IBackend backend, int epoch)
    {
        var train = _evaluator.Evaluate(backend, data.Train)!.Value;
        var validation = _evaluator.Evaluate(backend, data.Validation);
        var test = _evaluator.Evaluate(backend, data.Test);
        return new EpochMetrics(epoch, train.Loss, train.Accuracy, validation?.Loss, validation?.Accuracy, test?.Loss, test?.Accuracy);
    }
}
