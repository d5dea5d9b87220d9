using System.Globalization;

namespace Parity.Spec;

/// <summary>
/// What a run of a spec holds in memory, estimated from the spec alone when it loads: for each of the
/// two engines side by side — the engine under test and the TorchSharp twin — its parameters with
/// their gradients and optimizer state, and its activations (every layer's output and what a layer holds
/// besides, such as attention's weights [H, T, T] and dropout mask, and in training their gradients)
/// at a training batch or at an evaluation chunk, whichever is larger; and once, the data. A spec
/// beyond the memory the machine has available, or beyond <c>--max-memory</c>, is refused before any
/// work rather than found out by the system's out-of-memory killer, or by TorchSharp, part way through.
/// </summary>
public sealed record MemoryEstimate(long Parameters, long BatchActivations, long ChunkActivations, long Data)
{
    const int Engines = 2, FashionMnistTrain = 60_000, FashionMnistTest = 10_000;

    public long Total => Engines * (Parameters + Math.Max(BatchActivations, ChunkActivations)) + Data;

    public static MemoryEstimate Of(ParitySpec spec)
    {
        var model = ModelDescriptions.Describe(spec);
        long element = spec.DType == DType.Float32 ? sizeof(float) : sizeof(double);
        var parameterValues = model.Parameters.Sum(p => p.Shape.Aggregate(1L, (n, d) => n * d));
        var (train, test) = Rows(spec.Data);
        return new MemoryEstimate(
            // The values, their gradients and the optimizer's buffers.
            parameterValues * element * (2 + StateBuffers(spec.Optimizer)),
            // Each layer's output and what it holds, and the gradient flowing back into each.
            2 * Math.Min(spec.Train.Batch, Math.Max(train, 1)) * EvaluationChunk.ValuesPerRow(model, training: true) * element,
            EvaluationChunk.Rows(spec) * EvaluationChunk.ValuesPerRow(model, training: false) * element,
            // Parity keeps the data in float64: features and targets of every row.
            spec.Data.Source == DataSource.Csv
                ? new FileInfo(spec.Data.Path!).Length
                : (train + test) * (spec.Shape.Features + spec.Shape.TargetWidth) * sizeof(double));
    }

    /// <summary>
    /// Throws an <see cref="InputException"/> when the estimate is more than <paramref name="maxBytes"/>
    /// (<c>--max-memory</c>) or than the machine's available memory, naming both and the largest part.
    /// </summary>
    public void Check(string specPath, long? maxBytes)
    {
        var (limit, what) = maxBytes is { } max && (Available() is not { } free || max <= free)
            ? (max, $"the {Size(max)} of --max-memory")
            : Available() is { } available ? (available, $"the {Size(available)} this machine has available (MemAvailable in /proc/meminfo)") : (long.MaxValue, "");
        if (Total <= limit)
            return;
        var parts = new (string Name, long Bytes)[]
        {
            ("the parameters with their gradients and optimizer state", Engines * Parameters),
            ("the activations of a training batch", Engines * BatchActivations),
            ("the activations of an evaluation chunk", Engines * ChunkActivations),
            ("the data", Data),
        };
        var largest = parts.MaxBy(p => p.Bytes);
        throw new InputException($"{specPath}: a run needs an estimated {Size(Total)} for both engines, more than {what}; "
            + $"the largest part is {largest.Name}, {Size(largest.Bytes)}: make the model, the batch or the data smaller");
    }

    static (long Train, long Test) Rows(DataSpec data) => data.Source switch
    {
        DataSource.FashionMnist => (Math.Min(data.Train, FashionMnistTrain), Math.Min(data.Test, FashionMnistTest)),
        _ => (data.Train, data.Test),
    };

    /// <summary>The optimizer's buffers shaped as a parameter (its per-parameter scalars are negligible).</summary>
    static int StateBuffers(OptimizerSpec optimizer) => optimizer.StateKeys.Count(key => !OptimizerStateKeys.IsScalar(key));

    /// <summary>MemAvailable from /proc/meminfo: what the machine can give without swapping; null where there is no such file.</summary>
    static long? Available()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    static string Size(long bytes) => bytes >= 1L << 30
        ? $"{(bytes / (double)(1L << 30)).ToString("#,0.0", CultureInfo.InvariantCulture)} GiB"
        : $"{(bytes / (double)(1L << 20)).ToString("#,0.0", CultureInfo.InvariantCulture)} MiB";
}
