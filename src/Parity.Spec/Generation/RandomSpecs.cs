using System.Globalization;
using System.Text;

namespace Parity.Spec.Generation;

/// <summary>A drawn spec: its YAML text, and the small CSV table it reads (named <see cref="CsvName"/>, beside it), if any.</summary>
public sealed record GeneratedSpec(string Name, string Yaml, string? Csv)
{
    public string CsvName => $"{Name}.csv";
}

/// <summary>
/// Valid random specs over the whole catalogue — every layer op of <see cref="LayerOps"/> with its options
/// drawn within their ranges, every loss of <see cref="LossOps"/> and reduction, every optimizer with its
/// variants (momentum, dampening, Nesterov, AMSGrad, AdamW, centered, RMSprop momentum, lr_decay, initial
/// accumulator), every schedule and warm-up, both clips, every init but a file, both dtypes, and every data
/// source (a small CSV drawn beside the spec; one seed in eight a small minGPT on token data) — each small enough to check in about a second. A seed gives
/// the same spec on every machine (<see cref="SeededRandom"/>), so a sweep's failure is reproduced by its seed.
/// <c>parity sweep</c> runs them, as a correct engine must pass every one: each failure is a false alarm of Parity's.
/// </summary>
public static class RandomSpecs
{
    /// <summary>The elementwise ops, which fit flat features and images alike.</summary>
    static readonly string[] Activations = ["identity", "relu", "leaky-relu", "tanh", "sigmoid", "gelu", "elu", "silu", "softplus"];

    enum Problem { Regression, TwoClasses, ManyClasses }

    public static GeneratedSpec Draw(long seed)
    {
        // Whether the spec is a sequence model comes from a stream of its own: the other seeds draw what they drew before.
        if (SeededRandom.For(seed, "sweep sequence").NextInt(SequenceShare) == 0)
            return DrawSequence(seed);
        var random = SeededRandom.For(seed, "sweep");
        var name = $"sweep-{seed}";
        var yaml = new StringBuilder();
        Line(yaml, $"name: {name}");
        Line(yaml, $"seed: {seed}");
        var float32 = random.NextInt(2) == 0;
        Line(yaml, $"dtype: {(float32 ? "float32" : "float64")}");

        // Batch norm needs two values per channel in every training batch (PyTorch refuses one, as a one-row
        // batch of features or of 1×1 images has), so those specs have no validation split and no batch of one row.
        var batchNorm = random.NextInt(3) == 0;
        var (features, task, classes, data, csv) = DrawData(random, name, validation: !batchNorm);
        Line(yaml, $"data: {data}");

        var rows = TrainRows(data);
        var batch = 1 + random.NextInt(Math.Max(1, Math.Min(rows, 40)));
        if (batchNorm)
            batch = Math.Max(batch, 2);
        while (batchNorm && rows % batch == 1)
            batch++;

        var (lossText, summed, oneHot, width, last) = DrawLoss(random, task, classes);
        Line(yaml, "model:");
        var model = new List<string>();
        if (random.NextInt(4) == 0)
            ImageBlock(random, model, features, batchNorm);
        else
            FlatBlocks(random, model, batchNorm);
        model.Add(random.NextInt(6) == 0 ? $"{{linear: {{out: {width}, bias: false}}}}" : $"linear: {width}");
        if (last is not null)
            model.Add(last);
        foreach (var layer in model)
            Line(yaml, $"  - {layer}");

        Line(yaml, $"init: {DrawInit(random)}");
        Line(yaml, $"loss: {lossText}");
        if (oneHot)
            Line(yaml, "targets: one-hot");
        // SGD's step grows with the gradient: a loss summed over the batch, Fashion-MNIST's 784 inputs or a regression's
        // targets (up to 32) each make it larger, and a spec whose training blows up in TorchSharp too checks nothing. So does
        // a log-softmax inside the model: its outputs, log-probabilities unbounded below, are the next linear layer's inputs,
        // whose curvature grows with their square (seed 120121 blew up in both engines at lr 0.0015, two of them in a row).
        var inner = model.Take(model.Count - 1).Count(layer => layer == "log-softmax");
        var gradientScale = (summed ? batch : 1) * (features == 784 || task == Problem.Regression ? 10 : 1) * (int)Math.Pow(10, inner);
        // The optimizer comes from a stream of its own: a new catalogue entry changes each seed's optimizer, not the parts drawn after it.
        Line(yaml, $"optimizer: {{{DrawOptimizer(SeededRandom.For(seed, "sweep optimizer"), gradientScale)}}}");
        if (random.NextInt(2) == 0)
            Line(yaml, $"schedule: {DrawSchedule(random)}");
        if (random.NextInt(3) == 0)
            Line(yaml, random.NextInt(2) == 0 ? $"clip: {{norm: {Number(random, 0.05, 5)}}}" : $"clip: {{value: {Number(random, 0.005, 1)}}}");
        Line(yaml, $"train: {{epochs: {1 + random.NextInt(2)}, batch: {batch}, shuffle: {(random.NextInt(2) == 0 ? "true" : "false")}}}");
        return new GeneratedSpec(name, yaml.ToString(), csv);
    }

    static void Line(StringBuilder yaml, string line) => yaml.Append(line).Append('\n');

    /// <summary>One seed in this many draws a small minGPT on token data.</summary>
    const int SequenceShare = 8;

    /// <summary>
    /// A small minGPT: token data (sort, or characters of the word list), an embedding, maybe a position table,
    /// one or two blocks of a residual attention (maybe with dropout) and a residual MLP, each after a layer norm,
    /// and a linear head to the vocabulary, under cross-entropy per token.
    /// </summary>
    static GeneratedSpec DrawSequence(long seed)
    {
        var random = SeededRandom.For(seed, "sweep sequence model");
        var name = $"sweep-{seed}";
        var yaml = new StringBuilder();
        Line(yaml, $"name: {name}");
        Line(yaml, $"seed: {seed}");
        Line(yaml, $"dtype: {(random.NextInt(2) == 0 ? "float32" : "float64")}");
        var train = 12 + random.NextInt(60);
        int positions, vocabulary;
        if (random.NextInt(3) == 0)
        {
            positions = 3 + random.NextInt(6);
            vocabulary = Data.TextSource.Of(Data.TextSource.DefaultPath).Vocabulary.Length;
            Line(yaml, $"data: {{source: text, block: {positions}, train: {train}, test: {8 + random.NextInt(20)}}}");
        }
        else
        {
            // 3 digits below 4 or 4 below 3: at least the 64 distinct inputs sort needs.
            var length = 3 + random.NextInt(2);
            vocabulary = length == 3 ? 4 : 3;
            positions = Data.SortSource.Positions(length);
            Line(yaml, $"data: {{source: sort, length: {length}, digits: {vocabulary}, train: {train}, test: {8 + random.NextInt(20)}}}");
        }
        var heads = 1 + random.NextInt(3);
        // At least 2 features: a layer norm over one outputs its bias alone, so every gradient below it is zero by
        // construction, rounding noise that an adaptive optimizer turns into full steps (sweep 500364).
        var channels = Math.Max(2, heads * (1 + random.NextInt(4)));
        Line(yaml, "model:");
        var model = new List<string> { $"embedding: {{vocab: {vocabulary}, dim: {channels}}}" };
        if (random.NextInt(4) != 0)
            model.Add($"position-embedding: {{block: {positions + random.NextInt(3)}}}");
        for (var block = 1 + random.NextInt(2); block > 0; block--)
        {
            var dropout = random.NextInt(3) == 0 ? $", dropout: {Number(random, 0, 0.5)}" : "";
            model.Add($"residual: [{WithOptions(random, "layer-norm")}, {{causal-self-attention: {{heads: {heads}{dropout}}}}}]");
            var hidden = 2 + random.NextInt(3 * channels);
            model.Add($"residual: [{WithOptions(random, "layer-norm")}, {{linear: {hidden}}}, {WithOptions(random, Pick(random, Activations))}, {{linear: {channels}}}]");
        }
        if (random.NextInt(3) != 0)
            model.Add(WithOptions(random, "layer-norm"));
        model.Add(random.NextInt(3) == 0 ? $"{{linear: {{out: {vocabulary}, bias: false}}}}" : $"linear: {vocabulary}");
        foreach (var layer in model)
            Line(yaml, $"  - {layer}");
        Line(yaml, $"init: {DrawInit(random)}");
        var summed = random.NextInt(3) == 0;
        Line(yaml, $"loss: {(summed ? "{kind: cross-entropy, reduction: sum}" : "cross-entropy")}");
        var batch = 1 + random.NextInt(Math.Min(train, 16));
        // A summed loss grows with the batch's scored tokens, and SGD's step with it.
        Line(yaml, $"optimizer: {{{DrawOptimizer(SeededRandom.For(seed, "sweep optimizer"), summed ? batch * positions : 1)}}}");
        if (random.NextInt(2) == 0)
            Line(yaml, $"schedule: {DrawSchedule(random)}");
        if (random.NextInt(3) == 0)
            Line(yaml, $"clip: {{norm: {Number(random, 0.05, 5)}}}");
        Line(yaml, $"train: {{epochs: {1 + random.NextInt(2)}, batch: {batch}, shuffle: {(random.NextInt(2) == 0 ? "true" : "false")}}}");
        return new GeneratedSpec(name, yaml.ToString(), null);
    }

    /// <summary>The data block, with its features, task and classes; a CSV source also gets its table.</summary>
    static (int Features, Problem Problem, int Classes, string Data, string? Csv) DrawData(SeededRandom random, string name, bool validation)
    {
        var train = 12 + random.NextInt(100);
        var test = 8 + random.NextInt(40);
        switch (random.NextInt(6))
        {
            case 0:
                return (2, Problem.TwoClasses, 2, $"{{source: disk, train: {train}, test: {test}{(validation ? Validation(random) : "")}}}", null);
            case 1:
                return (2, Problem.TwoClasses, 2, $"{{source: xor, train: {train}, test: {test}}}", null);
            case 2:
                return (2, Problem.Regression, 0, $"{{source: quadratic, train: {train}, test: {test}{(validation ? Validation(random) : "")}}}", null);
            case 3:
            {
                var count = 2 + random.NextInt(3);
                var picked = Enumerable.Range(0, 10).OrderBy(_ => random.NextDouble()).Take(count).ToList();
                return (784, count == 2 ? Problem.TwoClasses : Problem.ManyClasses, count,
                    $"{{source: fashion-mnist, train: {20 + random.NextInt(60)}, test: {test}, classes: [{string.Join(", ", picked)}]}}", null);
            }
            default:
                return DrawCsv(random, name, train);
        }
    }

    /// <summary>Every fourth spec holds a fraction of its training rows out for validation.</summary>
    static string Validation(SeededRandom random) => random.NextInt(4) == 0 ? $", validation: {Number(random, 0.1, 0.3)}" : "";

    /// <summary>A table of 2 to 5 features and a target: class labels 0..k−1 (each present) or a regression value.</summary>
    static (int, Problem, int, string, string) DrawCsv(SeededRandom random, string name, int rows)
    {
        var features = 2 + random.NextInt(4);
        var classes = random.NextInt(3) == 0 ? 0 : 2 + random.NextInt(3);
        var test = random.NextInt(3) * 4;
        var table = new StringBuilder();
        table.Append(string.Join(",", Enumerable.Range(0, features).Select(f => $"f{f}"))).Append(",target\n");
        for (var row = 0; row < rows + test; row++)
        {
            var values = Enumerable.Range(0, features).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            var target = classes == 0
                // a value ending in 5 at the fourth decimal is never whole, so the column reads as a regression
                ? (Math.Round(values.Sum() + random.NextDouble(), 3) + 0.0005).ToString("F4", CultureInfo.InvariantCulture)
                : (row < classes ? row : random.NextInt(classes)).ToString(CultureInfo.InvariantCulture);
            table.Append(string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append(',').Append(target).Append('\n');
        }
        var task = classes == 0 ? Problem.Regression : classes == 2 ? Problem.TwoClasses : Problem.ManyClasses;
        return (features, task, classes, $"{{source: csv, path: {name}.csv, target: target, train: {rows}, test: {test}}}", table.ToString());
    }

    /// <summary>The rows a training epoch has, before any validation split: what the batch size is drawn against.</summary>
    static int TrainRows(string data)
    {
        var at = data.IndexOf("train: ", StringComparison.Ordinal) + "train: ".Length;
        return int.Parse(data[at..data.IndexOf(',', at)], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A loss that fits the task, how the spec writes it, the output width it needs, and the op the model
    /// must end with (sigmoid before bce, log-softmax before nll), or null.
    /// </summary>
    static (string Text, bool Summed, bool OneHot, int Width, string? Last) DrawLoss(SeededRandom random, Problem task, int classes)
    {
        // A regression takes the value losses; class labels take every loss, as indices, one-hot rows or (two classes) one column.
        var kind = Pick(random, task == Problem.Regression ? ["mse", "l1", "smooth-l1", "huber"] : [.. LossOps.All.Select(o => o.Keyword)]);
        var op = LossOps.All.Single(o => o.Keyword == kind);
        // Several classes without class indices take one-hot rows; two classes may also take the label as one column.
        var oneHot = !op.TakesClasses && task != Problem.Regression && (task == Problem.ManyClasses || random.NextInt(3) == 0);
        var width = op.TakesClasses || oneHot ? classes : 1;
        var last = kind switch
        {
            "bce" => "sigmoid",
            "nll" => "log-softmax",
            _ when oneHot && kind != "bce-with-logits" && random.NextInt(3) == 0 => "softmax",
            _ => random.NextInt(5) == 0 ? "identity" : null,
        };
        var options = new List<string>();
        var summed = random.NextInt(2) == 0;
        if (summed)
            options.Add("reduction: sum");
        foreach (var option in op.Options)
            if (random.NextInt(2) == 0)
                options.Add($"{option.SpecKey}: {DrawNumber(random, option)}");
        var text = options.Count == 0 ? kind : $"{{kind: {kind}, {string.Join(", ", options)}}}";
        return (text, summed, oneHot, width, last);
    }

    /// <summary>One to three hidden layers, each a linear layer, maybe batch norm, an activation and maybe dropout.</summary>
    static void FlatBlocks(SeededRandom random, List<string> model, bool batchNorm)
    {
        var depth = random.NextInt(4);
        for (var i = 0; i < depth; i++)
        {
            var units = 2 + random.NextInt(11);
            model.Add(random.NextInt(6) == 0 ? $"{{linear: {{out: {units}, bias: false}}}}" : $"linear: {units}");
            if (batchNorm && random.NextInt(2) == 0)
                model.Add(WithOptions(random, "batch-norm1d"));
            // softmax and log-softmax also run inside a model, on flat rows.
            model.Add(random.NextInt(10) == 0 ? Pick(random, ["softmax", "log-softmax"]) : WithOptions(random, Pick(random, Activations)));
            if (random.NextInt(4) == 0)
                model.Add(WithOptions(random, "dropout"));
        }
        if (batchNorm && !model.Any(layer => layer.Contains("batch-norm", StringComparison.Ordinal)))
        {
            model.Add($"linear: {2 + random.NextInt(11)}");
            model.Add(WithOptions(random, "batch-norm1d"));
            model.Add(WithOptions(random, Pick(random, Activations)));
        }
    }

    /// <summary>
    /// Images: the features unflattened to [C, H, W] (Fashion-MNIST's 784 as [1, 28, 28]; others through a
    /// linear layer to a small image first), one or two convolutions with maybe batch norm, an activation
    /// and a pool, then flatten.
    /// </summary>
    static void ImageBlock(SeededRandom random, List<string> model, int features, bool batchNorm)
    {
        int channels, height, width;
        if (features == 784)
            (channels, height, width) = (1, 28, 28);
        else
        {
            (channels, height, width) = (1 + random.NextInt(2), 3 + random.NextInt(4), 3 + random.NextInt(4));
            model.Add($"linear: {channels * height * width}");
            model.Add(WithOptions(random, Pick(random, Activations)));
        }
        model.Add($"unflatten: [{channels}, {height}, {width}]");
        var convolutions = 1 + random.NextInt(2);
        for (var i = 0; i < convolutions; i++)
        {
            var kernel = (1 + random.NextInt(Math.Min(3, height)), 1 + random.NextInt(Math.Min(3, width)));
            var stride = (1 + random.NextInt(2), 1 + random.NextInt(2));
            var padding = (random.NextInt(2), random.NextInt(2));
            var dilation = (1 + random.NextInt(2), 1 + random.NextInt(2));
            if (Span(dilation.Item1, kernel.Item1) > height + 2 * padding.Item1 || Span(dilation.Item2, kernel.Item2) > width + 2 * padding.Item2)
                dilation = (1, 1);
            channels = 1 + random.NextInt(3);
            model.Add($"conv2d: {{out: {channels}, kernel: [{kernel.Item1}, {kernel.Item2}], stride: [{stride.Item1}, {stride.Item2}], "
                + $"padding: [{padding.Item1}, {padding.Item2}], dilation: [{dilation.Item1}, {dilation.Item2}], bias: {(random.NextInt(4) == 0 ? "false" : "true")}}}");
            height = Slid(height, kernel.Item1, stride.Item1, padding.Item1, dilation.Item1);
            width = Slid(width, kernel.Item2, stride.Item2, padding.Item2, dilation.Item2);
            if (batchNorm && (i == 0 || random.NextInt(2) == 0))
                model.Add(WithOptions(random, "batch-norm2d"));
            model.Add(WithOptions(random, Pick(random, Activations)));
            if (random.NextInt(4) == 0)
                model.Add(WithOptions(random, "dropout"));
            if (random.NextInt(2) == 0 && height >= 2 && width >= 2)
            {
                var pool = Pick(random, ["max-pool2d", "avg-pool2d"]);
                var size = 2;
                var step = 1 + random.NextInt(2);
                var pad = random.NextInt(2);
                model.Add($"{pool}: {{kernel: {size}, stride: {step}, padding: {pad}}}");
                height = Slid(height, size, step, pad, 1);
                width = Slid(width, size, step, pad, 1);
            }
        }
        model.Add("flatten");
    }

    static int Span(int dilation, int kernel) => dilation * (kernel - 1) + 1;

    /// <summary>PyTorch's output size of a window sliding over one dimension.</summary>
    static int Slid(int size, int kernel, int stride, int padding, int dilation) => (size + 2 * padding - Span(dilation, kernel)) / stride + 1;

    /// <summary>The op as a spec writes it, each of its number and word options given (drawn in its range) or left to its default at random.</summary>
    static string WithOptions(SeededRandom random, string keyword)
    {
        var op = LayerOps.Of(keyword);
        var given = new List<string>();
        foreach (var option in op.Options)
        {
            if (random.NextInt(2) == 0)
                continue;
            switch (option.Form)
            {
                case OptionForm.Number:
                    given.Add($"{option.SpecKey}: {DrawNumber(random, option)}");
                    break;
                case OptionForm.Choice:
                    given.Add($"{option.SpecKey}: {Pick(random, [.. option.Words!])}");
                    break;
                case OptionForm.Flag:
                    given.Add($"{option.SpecKey}: {(random.NextInt(2) == 0 ? "true" : "false")}");
                    break;
            }
        }
        return given.Count == 0 ? keyword : $"{{{keyword}: {{{string.Join(", ", given)}}}}}";
    }

    /// <summary>
    /// A number within the option's range, drawn over at most 3 above its minimum: the catalogue's upper
    /// ends (softplus's threshold 1000, elu's alpha 100) add nothing a check could tell apart.
    /// </summary>
    static string DrawNumber(SeededRandom random, OpOption option)
    {
        var low = option.Min + (option.ExclusiveMin ? 0.01 : 0);
        var high = Math.Min(option.Max, option.Min + 3);
        // dropout's p is kept where a small layer still keeps some of its units.
        if (option.Name == "p")
            high = 0.6;
        return Number(random, low, high);
    }

    static string DrawInit(SeededRandom random) => random.NextInt(9) switch
    {
        0 => "torch-default",
        1 => "xavier-uniform",
        2 => "xavier-normal",
        3 => "kaiming-uniform",
        4 => "kaiming-normal",
        5 => $"{{normal: {{std: {Number(random, 0.05, 0.6)}}}}}",
        6 => $"{{uniform: {{low: {Number(random, -0.6, -0.05)}, high: {Number(random, 0.05, 0.6)}}}}}",
        7 => "torch",
        _ => "torch-default",
    };

    /// <summary>
    /// One of the catalogue's optimizers (<see cref="OptimizerOps"/>) in one of its example variants, its learning rate
    /// (the example's, else the default) scaled by a random factor in [0.5, 1] and divided by <paramref name="gradientScale"/>:
    /// SGD's step grows with the gradient, and the adaptive optimizers' steps are only smaller for it; a momentum's lr is also
    /// scaled by (1 − μ)/(1 − dampening), the momentum's own growth of the step.
    /// </summary>
    static string DrawOptimizer(SeededRandom random, int gradientScale)
    {
        var op = OptimizerOps.All[random.NextInt(OptimizerOps.All.Count)];
        var given = (System.Text.Json.Nodes.JsonObject)op.Examples[random.NextInt(op.Examples.Count)].DeepClone();
        var lr = op.Settle(given).Number("lr");
        // Momentum μ sums the gradients of past steps, so a steady step is lr·(1 − dampening)/(1 − μ)·g: 8 to 10 times the
        // plain step at the examples' μ 0.9 (seed 301022, a regression through two convolutions at SGD lr 0.0057 with Nesterov's
        // μ 0.9, blew up in both engines by epoch 2, and trains at lr 0.00057). The lr is scaled back to the plain step's size.
        if (given["momentum"] is { } momentum && momentum.GetValue<double>() is > 0 and < 1 and var mu)
            lr *= (1 - mu) / (1 - (given["dampening"]?.GetValue<double>() ?? 0));
        given["lr"] = double.Parse(Number(random, lr / 2 / gradientScale, lr / gradientScale), CultureInfo.InvariantCulture);
        return $"{op.Keyword}: {{{string.Join(", ", given.Select(option => $"{option.Key}: {option.Value!.ToJsonString().Replace(",", ", ")}"))}}}";
    }

    /// <summary>Exponential, step or cosine, maybe after a warm-up, or a warm-up alone.</summary>
    static string DrawSchedule(SeededRandom random)
    {
        var schedule = random.NextInt(4) switch
        {
            0 => $"exponential: {{gamma: {Number(random, 0.5, 0.99)}}}",
            1 => $"step: {{size: {1 + random.NextInt(2)}, gamma: {Number(random, 0.3, 0.9)}}}",
            2 => $"cosine: {{t_max: {1 + random.NextInt(4)}, eta_min: {Number(random, 0, 0.0005)}}}",
            _ => null,
        };
        var warmup = schedule is null || random.NextInt(3) == 0 ? $"warmup: {{epochs: {1 + random.NextInt(2)}, start_factor: {Number(random, 0.1, 0.9)}}}" : null;
        return $"{{{string.Join(", ", new[] { warmup, schedule }.Where(part => part is not null))}}}";
    }

    static string Pick(SeededRandom random, string[] words) => words[random.NextInt(words.Length)];

    static string Number(SeededRandom random, double low, double high) => Round(low + random.NextDouble() * (high - low));

    /// <summary>Four significant digits: a spec a person can read, the same value in both engines.</summary>
    static string Round(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
