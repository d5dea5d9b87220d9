namespace Parity.Conformance;

/// <summary>
/// What the checks run a backend on: a model, the parameters it starts from, and a mini-batch. Any
/// model the engine supports makes a case (<see cref="Generate"/>); <see cref="ConformanceCases.Standard"/>
/// holds a few ready-made ones.
/// </summary>
public sealed record ConformanceCase(string Name, ModelDescription Model, IReadOnlyList<HostTensor> InitialParameters, Batch Batch)
{
    /// <summary>
    /// A case for <paramref name="model"/> with seeded values: parameters uniform in ±1/√fan_in (as
    /// nn.Linear draws them), features uniform in [0, 1), and targets the model's loss takes — class
    /// indices for cross-entropy and nll, 0/1 labels for the binary losses, values in [0, 1) for MSE — every
    /// value held exactly in the model's dtype — and a seeded mask for each dropout layer.
    /// </summary>
    public static ConformanceCase Generate(string name, ModelDescription model, int rows = 8, int seed = 1)
    {
        var random = new Random(seed);
        double Draw(double low, double high) => Exact(model, low + (high - low) * random.NextDouble());
        var parameters = model.Parameters.Select(p =>
        {
            var count = p.Shape.Aggregate(1, (n, d) => n * d);
            // Buffers away from their initial 0 and 1, so that evaluation on them shows: a running variance in [0.5, 1.5), a batch count of 3.
            if (p.Buffer)
                return new HostTensor(p.Name, p.Shape, [.. Enumerable.Range(0, count).Select(_ =>
                    p.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) ? 3 : p.Name.EndsWith(".running_var", StringComparison.Ordinal) ? Draw(0.5, 1.5) : Draw(-0.5, 0.5))]);
            // nn.Linear's and nn.Conv2d's bound 1/√fan_in, fan_in the weight's in·kh·kw; 1 for a layer without such a weight (batch norm's weight and bias).
            var weight = model.Parameters.FirstOrDefault(w => w.Layer == p.Layer && w.Shape.Length >= 2);
            var bound = weight is null ? 1 : 1 / Math.Sqrt(weight.Shape.Skip(1).Aggregate(1, (n, d) => n * d));
            return new HostTensor(p.Name, p.Shape, [.. Enumerable.Range(0, count).Select(_ => Draw(-bound, bound))]);
        }).ToList();
        var features = model.InputShape.Aggregate(1, (n, d) => n * d);
        var outputs = model.Layers[^1].OutputShape.Aggregate(1, (n, d) => n * d);
        double[] x = [.. Enumerable.Range(0, rows * features).Select(_ => Draw(0, 1))];
        var batch = model.Loss.Kind switch
        {
            "cross-entropy" or "nll" => new Batch(rows, features, x, [.. Enumerable.Range(0, rows).Select(_ => random.Next(outputs))], null, 0),
            "bce" or "bce-with-logits" => new Batch(rows, features, x, null, [.. Enumerable.Range(0, rows * outputs).Select(_ => (double)random.Next(2))], outputs),
            _ => new Batch(rows, features, x, null, [.. Enumerable.Range(0, rows * outputs).Select(_ => Draw(0, 1))], outputs),
        };
        // A dropout layer trains with a mask from the batch: one per such layer, each element kept with probability 1 − p.
        var masks = model.Layers.Where(layer => layer.Kind == "dropout").Select(layer => new HostTensor(Batch.MaskName(layer.Path), [rows, .. layer.InputShape],
            [.. Enumerable.Range(0, rows * layer.InputShape.Aggregate(1, (n, d) => n * d)).Select(_ => random.NextDouble() < layer.Number("p", 0.5) ? 0.0 : 1.0)])).ToList();
        return new ConformanceCase(name, model, parameters, masks.Count == 0 ? batch : batch with { Masks = masks });
    }

    /// <summary>The value as the model's dtype holds it, so that a round trip through the engine is exact.</summary>
    internal static double Exact(ModelDescription model, double value) => model.IsFloat32 ? (float)value : value;

    public override string ToString() => Name;
}
