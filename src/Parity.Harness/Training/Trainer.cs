using Parity.Spec;
using Parity.Spec.Data;

namespace Parity.Harness.Training;

/// <summary>
/// Trains one backend per its spec: the spec's epochs, the seeded batch order, an evaluation of every
/// split after each epoch. Reports progress per step.
/// </summary>
public sealed class Trainer(ParitySpec spec, Dataset data)
{
    readonly SplitEvaluator _evaluator = new(spec);

    public int StepsPerEpoch => (data.Train.Rows + spec.Train.Batch - 1) / spec.Train.Batch;

    public IReadOnlyList<EpochMetrics> Train(IBackend backend, Action? onStep = null)
    {
        var epochs = new List<EpochMetrics>();
        for (var epoch = 1; epoch <= spec.Train.Epochs; epoch++)
        {
            var order = BatchOrder.ForEpoch(spec, epoch, data.Train.Rows);
            for (var start = 0; start < order.Length; start += spec.Train.Batch)
            {
                var rows = order.AsSpan(start, Math.Min(spec.Train.Batch, order.Length - start));
                backend.TrainStep(Batch.Gather(data.Train, rows, spec.TargetEncoding, spec.Shape.Classes ?? 0));
                onStep?.Invoke();
            }
            backend.EndEpoch();
            epochs.Add(Measure(backend, epoch));
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
