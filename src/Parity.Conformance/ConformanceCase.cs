namespace Parity.Conformance;

/// <summary>
/// What the checks run a backend on: a model, the parameters it starts from, and a mini-batch. Any
/// model the engine supports makes a case (<see cref="Generate"/>); <see cref="ConformanceCases.Standard"/>
/// holds a few ready-made ones.
/// </summary>
public sealed record ConformanceCase(string Name, ModelDescription Model, IReadOnlyList<HostTensor> InitialParameters, Batch Batch)
{
    /// <summary>
    /// A case for <paramref name="model"/> with seeded values: weights uniform in ±1/√fan_in (as nn.Linear
    /// draws them; an embedding's table too) and each bias in its weight's bound, a normalisation's 1-D
    /// weight in [0.5, 1.5) near PyTorch's ones; features uniform in [0, 1), or for a model on token ids
    /// (<see cref="ModelDescription.TakesTokens"/>) ids below its embedding's num_embeddings; targets the
    /// model's loss takes — class indices for cross-entropy and nll, one per output position (rows × T for
    /// a sequence output [T, V], the first position of each row <see cref="Batch.IgnoredTarget"/>, as a task
    /// that scores part of a sequence leaves it), 0/1 labels for the binary losses, values in [0, 1) for
    /// MSE — every value held exactly in the model's dtype — and a seeded mask for each layer that drops, dropout or attention with p > 0.
    /// </summary>
    public static ConformanceCase Generate(string name, ModelDescription model, int rows = 8, int seed = 1)
    {
        var random = new Random(seed);
        double Draw(double low, double high) => Exact(model, low + (high - low) * random.NextDouble());
        var parameters = model.Parameters.Select(p =>
        {
            var count = Count(p.Shape);
            // Buffers away from their initial 0 and 1, so that evaluation on them shows: a running variance in [0.5, 1.5), a batch count of 3.
            if (p.Buffer)
                return new HostTensor(p.Name, p.Shape, [.. Enumerable.Range(0, count).Select(_ =>
                    p.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) ? 3 : p.Name.EndsWith(".running_var", StringComparison.Ordinal) ? Draw(0.5, 1.5) : Draw(-0.5, 0.5))]);
            // Layer norm's and batch norm's scale, ones in PyTorch: near 1, so that the normalised values pass on at their size.
            if (p.Shape.Length == 1 && p.Name.EndsWith(".weight", StringComparison.Ordinal))
                return new HostTensor(p.Name, p.Shape, [.. Enumerable.Range(0, count).Select(_ => Draw(0.5, 1.5))]);
            // nn.Linear's and nn.Conv2d's bound 1/√fan_in, fan_in the weight's in·kh·kw; a bias takes its own weight's
            // ("c_proj.bias" c_proj.weight's); 1 for a bias with no such weight (a normalisation's).
            var weight = p.Shape.Length >= 2 ? p
                : model.Parameters.FirstOrDefault(w => w.Shape.Length >= 2 && p.Name.EndsWith(".bias", StringComparison.Ordinal) && w.Name == p.Name[..^"bias".Length] + "weight");
            var bound = weight is null ? 1 : 1 / Math.Sqrt(Count(weight.Shape[1..]));
            return new HostTensor(p.Name, p.Shape, [.. Enumerable.Range(0, count).Select(_ => Draw(-bound, bound))]);
        }).ToList();
        var features = Count(model.InputShape);
        var output = model.Layers[^1].OutputShape;
        var outputs = Count(output);
        // Token ids index the first layer's table: whole numbers below its num_embeddings, exact in any dtype.
        double[] x = model.TakesTokens
            ? [.. Enumerable.Range(0, rows * features).Select(_ => (double)random.Next(model.Layers[0].Integer("num_embeddings")))]
            : [.. Enumerable.Range(0, rows * features).Select(_ => Draw(0, 1))];
        // A class index per position: one for flat outputs [V], T for a sequence's [T, V] (PyTorch's view(-1, V)), the first of
        // each row ignored, so that the loss is a mean over the scored positions alone, as a task scoring part of a sequence asks.
        var positions = outputs / output[^1];
        var batch = model.Loss.Kind switch
        {
            "cross-entropy" or "nll" => new Batch(rows, features, x, [.. Enumerable.Range(0, rows * positions).Select(k =>
                positions > 1 && k % positions == 0 ? Batch.IgnoredTarget : random.Next(output[^1]))], null, 0),
            "bce" or "bce-with-logits" => new Batch(rows, features, x, null, [.. Enumerable.Range(0, rows * outputs).Select(_ => (double)random.Next(2))], outputs),
            _ => new Batch(rows, features, x, null, [.. Enumerable.Range(0, rows * outputs).Select(_ => Draw(0, 1))], outputs),
        };
        // A layer that drops (p > 0) trains with a mask from the batch, each element kept with probability 1 − p: dropout's shaped
        // as its input, attention's as its attention weights [heads, T, T]. With p = 0 its training is its evaluation: no mask, as Parity's batches.
        var masks = model.Layers.Select(layer => layer.Kind switch
        {
            "dropout" when layer.Number("p", 0.5) > 0 => (Layer: layer, P: layer.Number("p"), Shape: layer.InputShape),
            "causal-self-attention" when layer.Number("dropout", 0) > 0 =>
                (Layer: layer, P: layer.Number("dropout"), Shape: [layer.Integer("num_heads"), layer.InputShape[0], layer.InputShape[0]]),
            _ => default,
        }).Where(drop => drop.Layer is not null).Select(drop => new HostTensor(Batch.MaskName(drop.Layer.Path), [rows, .. drop.Shape],
            [.. Enumerable.Range(0, rows * Count(drop.Shape)).Select(_ => random.NextDouble() < drop.P ? 0.0 : 1.0)])).ToList();
        return new ConformanceCase(name, model, parameters, masks.Count == 0 ? batch : batch with { Masks = masks });
    }

    static int Count(IEnumerable<int> shape) => shape.Aggregate(1, (n, d) => n * d);

    /// <summary>The value as the model's dtype holds it, so that a round trip through the engine is exact.</summary>
    internal static double Exact(ModelDescription model, double value) => model.IsFloat32 ? (float)value : value;

    public override string ToString() => Name;
}
