using System.Text.Json.Nodes;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

/// <summary>
/// The transformer's modules on sequences [rows, T·C], each backward against central finite
/// differences in float64 through L = Σ output ⊙ R for a fixed random R, as <see cref="GradientTests"/>
/// checks the others; and what finite differences alone would not show: the causal mask, the dropout
/// mask's scale, repeated token ids, ignored target positions.
/// </summary>
public class SequenceGradientTests
{
    const int Rows = 2, Length = 4, Width = 6, Heads = 2;
    const double Dropout = 0.25;

    public static TheoryData<string> Modules => ["layer-norm", "layer-norm-plain", "position-embedding", "attention", "attention-dropout", "linear", "residual"];

    public static TheoryData<string> ModulesWithParameters => ["layer-norm", "position-embedding", "attention", "attention-dropout", "linear", "residual"];

    [Theory, MemberData(nameof(Modules))]
    public void InputGradientMatchesFiniteDifferences(string name)
    {
        var random = new Random(11);
        var module = Create(name, random);
        var x = RandomMatrix(Rows, Length * Width, random);
        var output = module.Forward(x);
        var r = RandomValues(output.Data.Length, random);

        var analytical = module.Backward(Matrix<double>.From(output.Rows, output.Cols, r)).ToDoubles();

        FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(x.Data, () => Objective(module.Forward(x), r)), analytical, $"{name} dL/dx");
    }

    [Theory, MemberData(nameof(ModulesWithParameters))]
    public void ParameterGradientsMatchFiniteDifferences(string name)
    {
        var random = new Random(12);
        var module = Create(name, random);
        var x = RandomMatrix(Rows, Length * Width, random);
        var output = module.Forward(x);
        var r = RandomValues(output.Data.Length, random);

        module.Backward(Matrix<double>.From(output.Rows, output.Cols, r));

        Assert.NotEmpty(module.Parameters);
        foreach (var parameter in module.Parameters)
            FiniteDifferences.AssertMatches(
                FiniteDifferences.Gradient(parameter.Value.Data, () => Objective(module.Forward(x), r)), parameter.Grad.ToDoubles(), $"{name} {parameter.Name}");
    }

    [Fact]
    public void Embedding_gathers_rows_and_adds_the_gradient_of_every_position_of_a_repeated_id()
    {
        var random = new Random(13);
        var embedding = Layer("embedding", """{"num_embeddings": 5, "embedding_dim": 6}""", [Length], [Length, Width]);
        Randomise(embedding, random);
        // Id 3 four times, id 0 twice, ids 1 and 4 once; id 2 never.
        var ids = Matrix<double>.From(Rows, Length, [3, 0, 3, 1, 4, 3, 0, 3]);
        var output = embedding.Forward(ids);
        var r = RandomValues(output.Data.Length, random);
        var weight = embedding.Parameters[0];

        var gradInput = embedding.Backward(Matrix<double>.From(Rows, Length * Width, r));

        Assert.Equal(weight.Value.Row(3).ToArray(), output.Data.AsSpan(2 * Width, Width).ToArray());
        Assert.Equal((Rows, Length), (gradInput.Rows, gradInput.Cols));
        Assert.All(gradInput.Data, v => Assert.Equal(0, v));
        Assert.All(weight.Grad.Row(2).ToArray(), v => Assert.Equal(0, v));
        FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(weight.Value.Data, () => Objective(embedding.Forward(ids), r)), weight.Grad.ToDoubles(), "embedding weight");
    }

    [Fact]
    public void Attention_at_a_position_sees_no_later_position_forward_or_backward()
    {
        var random = new Random(14);
        var attention = Create("attention", random);
        var x = RandomMatrix(Rows, Length * Width, random);
        var before = attention.Forward(x).ToDoubles();
        const int later = 2;
        for (var i = later * Width; i < Length * Width; i++)
            x.Data[i] += 0.5;

        var after = attention.Forward(x).ToDoubles();

        // Positions before 2 of the first row are bitwise the same; position 2 changed.
        Assert.Equal(before.AsSpan(0, later * Width).ToArray(), after.AsSpan(0, later * Width).ToArray());
        Assert.NotEqual(before.AsSpan(later * Width, Width).ToArray(), after.AsSpan(later * Width, Width).ToArray());
        // A gradient at position 1 alone reaches no input after it.
        var g = new Matrix<double>(Rows, Length * Width);
        for (var c = 0; c < Width; c++)
            g[0, Width + c] = 1;
        var gradInput = attention.Backward(g);
        Assert.All(gradInput.Data.AsSpan(2 * Width, (Length - 2) * Width).ToArray(), v => Assert.Equal(0, v));
        Assert.Contains(gradInput.Data.AsSpan(0, 2 * Width).ToArray(), v => Math.Abs(v) > 1e-3);
    }

    [Fact]
    public void Attention_dropout_multiplies_the_attention_by_the_mask_over_one_minus_p()
    {
        var random = new Random(15);
        var attention = Create("attention-dropout", random);
        var x = RandomMatrix(Rows, Length * Width, random);
        var bias = attention.Parameters[3].Value.Data;
        var unmasked = Run(attention, x, ForwardMode.Evaluation, Mask(1));

        var kept = Run(attention, x, ForwardMode.Training, Mask(1));
        var dropped = Run(attention, x, ForwardMode.Training, Mask(0));

        // Every weight kept: y, and so out − b_proj, grows by 1/(1 − p); every weight dropped: y = 0, out = b_proj.
        for (var i = 0; i < kept.Length; i++)
        {
            Assert.Equal((unmasked[i] - bias[i % Width]) / (1 - Dropout), kept[i] - bias[i % Width], 1e-12);
            Assert.Equal(bias[i % Width], dropped[i], 1e-15);
        }
    }

    [Fact]
    public void Cross_entropy_over_positions_averages_the_positions_not_ignored_and_gives_the_ignored_no_gradient()
    {
        var random = new Random(16);
        const int vocab = 5;
        var logits = RandomMatrix(Rows, Length * vocab, random);
        int[] targets = [2, Batch.IgnoredTarget, 0, 4, Batch.IgnoredTarget, Batch.IgnoredTarget, 1, 3];
        var loss = new CrossEntropyLoss<double>(Reduction.Mean);

        var value = loss.Forward(logits, new(null, targets));
        var gradient = loss.Backward().ToDoubles();

        var terms = targets.Select((target, p) => (target, p)).Where(t => t.target != Batch.IgnoredTarget)
            .Select(t => Math.Log(Enumerable.Range(0, vocab).Sum(j => Math.Exp(logits.Data[t.p * vocab + j]))) - logits.Data[t.p * vocab + t.target]).ToArray();
        Assert.Equal(terms.Average(), value, 1e-14);
        Assert.Equal((Rows, Length * vocab), (loss.Backward().Rows, loss.Backward().Cols));
        foreach (var ignored in new[] { 1, 4, 5 })
            Assert.All(gradient.AsSpan(ignored * vocab, vocab).ToArray(), v => Assert.Equal(0, v));
        FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(logits.Data, () => loss.Forward(logits, new(null, targets))), gradient, "cross-entropy over positions dL/dx");
    }

    static double[] Run(Module<double> module, Matrix<double> x, ForwardMode mode, Batch batch)
    {
        module.Prepare(mode, batch, 0, Rows);
        return module.Forward(x).ToDoubles();
    }

    /// <summary>A batch whose only content is the attention's mask "0.mask" [rows, H, T, T], every element <paramref name="value"/>.</summary>
    static Batch Mask(double value) =>
        new(Rows, Length * Width, new double[Rows * Length * Width], null, null, 0,
            [new HostTensor(Batch.MaskName("0"), [Rows, Heads, Length, Length], Enumerable.Repeat(value, Rows * Heads * Length * Length).ToArray())]);

    static Module<double> Create(string name, Random random)
    {
        Module<double> module = name switch
        {
            "layer-norm" => Layer("layer-norm", $$"""{"normalized_shape": [{{Width}}], "eps": 1e-5, "elementwise_affine": true}"""),
            "layer-norm-plain" => Layer("layer-norm", $$"""{"normalized_shape": [{{Width}}], "eps": 1e-5, "elementwise_affine": false}"""),
            "position-embedding" => Layer("position-embedding", $$"""{"block_size": {{Length + 3}}, "embedding_dim": {{Width}}}"""),
            "attention" or "attention-dropout" => Layer("causal-self-attention", $$"""{"embed_dim": {{Width}}, "num_heads": {{Heads}}, "dropout": {{(name == "attention" ? 0 : Dropout)}}}"""),
            "linear" => Layer("linear", $$"""{"in_features": {{Width}}, "out_features": {{Width}}, "bias": true}"""),
            "residual" => new Residual<double>(new Sequential<double>([
                Layer("layer-norm", $$"""{"normalized_shape": [{{Width}}], "eps": 1e-5, "elementwise_affine": true}"""),
                Layer("linear", $$"""{"in_features": {{Width}}, "out_features": {{Width}}, "bias": true}"""),
                Layer("gelu", """{"approximate": "tanh"}""")])),
            _ => throw new ArgumentException(name),
        };
        Randomise(module, random);
        // A random mask with about a quarter dropped; the modules without dropout ignore it.
        var mask = Enumerable.Range(0, Rows * Heads * Length * Length).Select(_ => random.NextDouble() < Dropout ? 0.0 : 1.0).ToArray();
        module.Prepare(ForwardMode.Training, new Batch(Rows, Length * Width, new double[Rows * Length * Width], null, null, 0,
            [new HostTensor(Batch.MaskName("0"), [Rows, Heads, Length, Length], mask)]), 0, Rows);
        return module;
    }

    static Module<double> Layer(string kind, string options, int[]? input = null, int[]? output = null) =>
        EngineParts<double>.Standard.Layers[kind](new LayerDescription(0, kind, JsonNode.Parse(options)!.AsObject(), input ?? [Length, Width], output ?? [Length, Width]));

    static void Randomise(Module<double> module, Random random)
    {
        foreach (var parameter in module.Parameters)
            parameter.Value.CopyFrom(RandomValues(parameter.Value.Data.Length, random));
    }

    static Matrix<double> RandomMatrix(int rows, int cols, Random random) => Matrix<double>.From(rows, cols, RandomValues(rows * cols, random));

    static double[] RandomValues(int count, Random random) =>
        Enumerable.Range(0, count).Select(_ => 2 * random.NextDouble() - 1).ToArray();

    static double Objective(Matrix<double> output, double[] r) => output.Data.Zip(r, (y, w) => y * w).Sum();
}
