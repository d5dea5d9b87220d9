using System.Text.Json.Nodes;
using Parity.Engine.Modules.Activations;
using Parity.Spec;

namespace Parity.Engine.Tests;

/// <summary>The engine is assembled from the description's kinds, one table entry each.</summary>
public class EnginePartsTests
{
    static ModelDescription Model(string activation) => ModelDescriptions.Describe(SpecLoader.Parse(
        $"name: parts\nseed: 1\ndata: {{source: xor, train: 4, test: 4}}\nmodel: [linear: 3, {activation}, linear: 1]\nloss: mse\noptimizer: {{sgd: {{lr: 0.1}}}}\ntrain: {{epochs: 1, batch: 4}}\n", "parts.yaml"));

    [Fact]
    public void AKindTheEngineLacksIsRefusedNamingItAndTheKindsItHas()
    {
        var model = Model("relu");
        var unknown = model with { Layers = [.. model.Layers.Select(l => l.Index == 1 ? l with { Kind = "prelu" } : l)] };

        var error = Assert.Throws<ArgumentException>(() => EngineBackend.Create(unknown, []));

        Assert.Equal("the built-in engine has no layer 'prelu'; it has avg-pool2d, batch-norm1d, batch-norm2d, causal-self-attention, conv2d, dropout, elu, embedding, flatten, gelu, identity, layer-norm, leaky-relu, linear, log-softmax, max-pool2d, position-embedding, relu, sigmoid, silu, softmax, softplus, tanh, unflatten", error.Message);
    }

    [Fact]
    public void WithReplacesOneKindAndLeavesTheStandardTableAsItWas()
    {
        var standard = EngineParts<double>.Standard.Layers;
        var layer = Model("relu").Layers[1];

        var variant = standard.With("relu", _ => new Tanh<double>());

        Assert.IsType<Tanh<double>>(variant["relu"](layer));
        Assert.IsType<Relu<double>>(standard["relu"](layer));
        Assert.Equal(standard.Kinds.Order(), variant.Kinds.Order());
    }

    [Theory]
    [InlineData("relu", typeof(Relu<double>))]
    [InlineData("tanh", typeof(Tanh<double>))]
    [InlineData("sigmoid", typeof(Sigmoid<double>))]
    [InlineData("softmax", typeof(Softmax<double>))]
    [InlineData("identity", typeof(Identity<double>))]
    [InlineData("{leaky-relu: {slope: 0.2}}", typeof(LeakyRelu<double>))]
    public void EachDescribedActivationBuildsItsModule(string activation, Type module)
    {
        var layer = Model(activation).Layers[1];

        Assert.IsType(module, EngineParts<double>.Standard.Layers[layer.Kind](layer));
    }

    [Fact]
    public void AnOptionTheEngineCannotHonourIsRefused()
    {
        var softmax = Model("softmax").Layers[1] with { Options = new JsonObject { ["dim"] = 0 } };

        var error = Assert.Throws<ArgumentException>(() => EngineParts<double>.Standard.Layers["softmax"](softmax));
        Assert.Contains("dim 1", error.Message);
    }
}
