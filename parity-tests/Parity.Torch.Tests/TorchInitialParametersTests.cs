using Parity.Spec;
using Parity.Torch.Twin;

namespace Parity.Torch.Tests;

/// <summary><c>init: torch</c>: TorchSharp's own nn.Linear initialisation from the spec's seed, named and shaped as the state_dict.</summary>
[Collection(ProcessStateCollection.Name)]
public class TorchInitialParametersTests
{
    static ParitySpec Spec(long seed, string dtype = "float64") => SpecLoader.Parse($$"""
        name: torch-init
        seed: {{seed}}
        dtype: {{dtype}}
        data: {source: quadratic, train: 8, test: 8}
        model:
          - linear: 16
          - tanh
          - linear: {out: 1, bias: false}
        init: torch
        loss: mse
        optimizer:
          sgd: {lr: 0.1}
        train: {epochs: 1, batch: 8}
        """, "test.yaml");

    [Fact]
    public void NamesAndShapesFollowTheStateDict()
    {
        var parameters = TorchInitialParameters.Create(ModelDescriptions.Describe(Spec(3)));

        Assert.Equal(["0.weight", "0.bias", "2.weight"], parameters.Select(p => p.Name));
        Assert.Equal([[16, 2], [16], [1, 16]], parameters.Select(p => p.Shape));
        Assert.Equal([32, 16, 16], parameters.Select(p => p.Data.Length));
    }

    /// <summary>A conv2d is made as nn.Conv2d: weight [out, in, kh, kw] and bias within ±1/√(in·kh·kw), after the linear layers before it in draw order.</summary>
    [Fact]
    public void AConvolutionIsInitialisedAsNnConv2d()
    {
        var spec = SpecLoader.Parse("""
            name: torch-init-conv
            seed: 3
            data: {source: quadratic, train: 8, test: 8}
            model: [linear: 12, unflatten: [3, 2, 2], {conv2d: {out: 20, kernel: 2}}, flatten, linear: 1]
            init: torch
            loss: mse
            optimizer: {sgd: {lr: 0.1}}
            train: {epochs: 1, batch: 8}
            """, "test.yaml");
        var parameters = TorchInitialParameters.Create(ModelDescriptions.Describe(spec));

        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], parameters.Select(p => p.Name));
        Assert.Equal([20, 3, 2, 2], parameters[2].Shape);
        var bound = 1 / Math.Sqrt(3 * 2 * 2);
        Assert.All(parameters[2].Data.Concat(parameters[3].Data), v => Assert.InRange(v, -bound, bound));
        Assert.InRange(parameters[2].Data.Max(Math.Abs), 0.7 * bound, bound);
    }

    [Fact]
    public void TheSameSeedGivesTheSameValuesAndAnotherSeedOthers()
    {
        var first = TorchInitialParameters.Create(ModelDescriptions.Describe(Spec(3)));
        // draws in between, from another seed, change nothing: Create seeds the generator itself
        TorchSharp.torch.manual_seed(99);
        TorchSharp.torch.rand(4, 4).Dispose();
        var again = TorchInitialParameters.Create(ModelDescriptions.Describe(Spec(3)));
        var other = TorchInitialParameters.Create(ModelDescriptions.Describe(Spec(4)));

        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Data, again[i].Data);
            Assert.All(first[i].Data.Zip(other[i].Data), pair => Assert.NotEqual(pair.First, pair.Second));
        }
    }

    /// <summary>nn.Linear.reset_parameters: weight kaiming_uniform_(a = √5) and bias uniform, both within ±1/√fan_in.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(265)]
    public void ValuesAreUniformWithinOneOverRootFanIn(long seed)
    {
        var parameters = TorchInitialParameters.Create(ModelDescriptions.Describe(Spec(seed)));

        foreach (var (parameter, fanIn) in parameters.Zip([2, 2, 16]))
        {
            var bound = 1 / Math.Sqrt(fanIn);
            Assert.All(parameter.Data, v => Assert.InRange(v, -bound, bound));
            // 16 or more uniform draws: the largest is near the bound, and both signs occur
            Assert.InRange(parameter.Data.Max(Math.Abs), 0.7 * bound, bound);
            Assert.Contains(parameter.Data, v => v < 0);
            Assert.Contains(parameter.Data, v => v > 0);
        }
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void ValuesAreFloat32NumbersWhateverTheSpecsDtype(string dtype)
    {
        var parameters = TorchInitialParameters.Create(ModelDescriptions.Describe(Spec(7, dtype)));

        Assert.All(parameters.SelectMany(p => p.Data), v => Assert.Equal((double)(float)v, v));
        Assert.Equal(TorchInitialParameters.Create(ModelDescriptions.Describe(Spec(7, "float64"))).SelectMany(p => p.Data), parameters.SelectMany(p => p.Data));
    }
}
