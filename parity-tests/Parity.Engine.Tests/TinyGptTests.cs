namespace Parity.Engine.Tests;

/// <summary>
/// A whole small GPT (<see cref="TinyGpt"/>) through the backend, in float64: every parameter's
/// gradient against finite differences of the loss, with and without attention dropout; the layer
/// probe and the per-entry results of the flat post-order list; three AdamW steps. And a model of
/// nested residual blocks on float sequences, whose input gradient reaches x by every path.
/// </summary>
public class TinyGptTests
{
    const int Rows = 3;

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    public void Every_parameter_gradient_matches_finite_differences_of_the_loss(double dropout)
    {
        var random = new Random(21);
        var model = TinyGpt.Describe("float64", dropout);
        using var backend = new EngineBackend<double>(model, FlatModel.RandomParameters(model, random));
        var batch = TinyGpt.Batch(model, Rows, random);

        var gradients = backend.ComputeGradients(batch);

        Assert.Equal(model.Parameters.Select(p => p.Name), gradients.Parameters.Select(p => p.Name));
        foreach (var (parameter, analytical) in backend.Parameters.Zip(gradients.Parameters))
            FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(parameter.Value.Data, () => backend.ComputeGradients(batch).Loss), analytical.Data, parameter.Name);
    }

    [Fact]
    public void Nested_residual_blocks_pass_the_input_gradient_through_and_around_every_block()
    {
        // 0: linear; 1: x + (layer norm, x + tanh(linear(x)), linear); 2: linear head over [T, V].
        const int length = 3, width = 4, vocab = 5;
        var linear = $$"""{"in_features": {{width}}, "out_features": {{width}}, "bias": true}""";
        var model = new FlatModel([length, width])
            .Layer("0", "linear", linear, [length, width], ("weight", [width, width]), ("bias", [width]))
            .Residual("1", block => block
                .Layer("1.0", "layer-norm", $$"""{"normalized_shape": [{{width}}], "eps": 1e-5, "elementwise_affine": true}""", [length, width], ("weight", [width]), ("bias", [width]))
                .Residual("1.1", inner => inner
                    .Layer("1.1.0", "linear", linear, [length, width], ("weight", [width, width]), ("bias", [width]))
                    .Layer("1.1.1", "tanh", "{}", [length, width]))
                .Layer("1.2", "linear", linear, [length, width], ("weight", [width, width]), ("bias", [width])))
            .Layer("2", "linear", $$"""{"in_features": {{width}}, "out_features": {{vocab}}, "bias": true}""", [length, vocab], ("weight", [vocab, width]), ("bias", [vocab]))
            .Describe("float64", "float");
        var random = new Random(22);
        using var backend = new EngineBackend<double>(model, FlatModel.RandomParameters(model, random));
        var x = Enumerable.Range(0, Rows * length * width).Select(_ => 2 * random.NextDouble() - 1).ToArray();
        var batch = new Batch(Rows, length * width, x, Enumerable.Range(0, Rows * length).Select(_ => random.Next(vocab)).ToArray(), null, 0);

        var gradients = backend.ComputeGradients(batch);

        Assert.Equal(["0", "1.0", "1.1.0", "1.1.1", "1.1", "1.2", "1", "2"], model.Layers.Select(layer => layer.Path));
        Assert.Equal([Rows, length, width], gradients.Input.Shape);
        FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(x, () => backend.Evaluate(batch).Loss), gradients.Input.Data, "dL/dx");
        foreach (var (parameter, analytical) in backend.Parameters.Zip(gradients.Parameters))
            FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(parameter.Value.Data, () => backend.Evaluate(batch).Loss), analytical.Data, parameter.Name);
    }

    [Fact]
    public void The_probe_runs_a_residual_entry_as_its_whole_block_and_an_embedding_with_a_zero_input_gradient()
    {
        var random = new Random(23);
        var model = TinyGpt.Describe("float64");
        using var backend = new EngineBackend<double>(model, FlatModel.RandomParameters(model, random));
        var batch = TinyGpt.Batch(model, Rows, random);
        var outputs = backend.Forward(batch);
        var gradients = backend.ComputeGradients(batch);
        var block = model.Layers.First(layer => layer.Kind == "residual" && layer.Path == "3");
        var blockInput = outputs[block.Index - block.Span - 1];

        var run = backend.RunLayer(block.Index, batch, blockInput, gradients.LayerOutputs[block.Index]);
        var embedding = backend.RunLayer(0, batch, new HostTensor("ids", [Rows, TinyGpt.Length], batch.X), gradients.LayerOutputs[0]);

        Assert.Equal(model.Layers.Count, outputs.Count);
        Elementwise.AssertClose(backend.Evaluate(batch).Outputs, outputs[^1].Data, 1e-15);
        Elementwise.AssertClose(outputs[block.Index].Data, run.Output.Data, 1e-15);
        // The block's parameters reach the loss only through its output: the probe's gradients are the whole model's.
        Assert.Equal(["3.0.weight", "3.0.bias", "3.1.weight", "3.1.bias", "3.3.weight", "3.3.bias"], run.Parameters.Select(p => p.Name));
        foreach (var parameter in run.Parameters)
            Elementwise.AssertClose(gradients.Parameters.Single(p => p.Name == parameter.Name).Data, parameter.Data, 1e-14);
        Assert.Equal([Rows, TinyGpt.Length], embedding.Input.Shape);
        Assert.All(embedding.Input.Data, v => Assert.Equal(0, v));
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void Three_adamw_steps_lower_the_loss_without_nan(string dtype)
    {
        var random = new Random(24);
        var model = TinyGpt.Describe(dtype, attentionDropout: 0.1);
        using var backend = EngineBackend.Create(model, FlatModel.RandomParameters(model, random));
        var batch = TinyGpt.Batch(model, Rows, random);

        var losses = Enumerable.Range(0, 3).Select(_ => backend.TrainStep(batch)).ToArray();

        Assert.All(losses, loss => Assert.True(double.IsFinite(loss), $"losses {string.Join(", ", losses)}"));
        Assert.All(backend.GetParameters().SelectMany(p => p.Data), v => Assert.True(double.IsFinite(v)));
        Assert.True(losses[2] < losses[0], $"losses {string.Join(", ", losses)}");
    }
}
