using System.Text.Json.Nodes;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;

namespace Parity.Engine.Tests;

public class ClippingTests
{
    /// <summary>Gradients [3, 4] and [12]: per-parameter norms 5 and 12, global norm √(25 + 144) = 13.</summary>
    static Parameter<double>[] Parameters()
    {
        var weight = new Parameter<double>("0.weight", [1, 2], new Matrix<double>(1, 2));
        var bias = new Parameter<double>("0.bias", [1], new Matrix<double>(1, 1));
        weight.Grad.CopyFrom([3, 4]);
        bias.Grad.CopyFrom([12]);
        return [weight, bias];
    }

    static double[] Grads(Parameter<double>[] parameters) => parameters.SelectMany(p => p.Grad.Data).ToArray();

    [Fact]
    public void ByNormScalesEveryGradientByOneGlobalCoefficient()
    {
        var parameters = Parameters();

        var total = GradientClipping.ByNorm(parameters, 6.5);

        Assert.Equal(13, total);
        const double coefficient = 6.5 / (13 + 1e-6);   // max / (total + 1e-6), a little under 1/2
        Elementwise.AssertClose([3 * coefficient, 4 * coefficient, 12 * coefficient], Grads(parameters), 1e-15);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(13.00001)]
    public void ByNormLeavesGradientsUnderTheLimitUntouched(double maxNorm)
    {
        var parameters = Parameters();

        Assert.Equal(13, GradientClipping.ByNorm(parameters, maxNorm));
        Assert.Equal([3, 4, 12], Grads(parameters));
    }

    [Theory]
    // norm 10.4: [3, 4, 12]·10.4/13.000001
    [InlineData("norm", "max_norm", 10.4, new[] { 2.399999815384630, 3.199999753846173, 9.599999261538520 })]
    // value 3.5: each element clamped to [−3.5, 3.5]
    [InlineData("value", "clip_value", 3.5, new[] { 3, 3.5, 3.5 })]
    public void TheEnginesClippingDoesWhatTheDescriptionSays(string kind, string option, double threshold, double[] expected)
    {
        var parameters = Parameters();
        var clip = EngineParts<double>.Standard.Clips[kind](new Described(kind, new JsonObject { [option] = threshold }));

        clip(parameters);

        Elementwise.AssertClose(expected, Grads(parameters), 1e-15);
    }

    [Fact]
    public void ByValueClampsBothSigns()
    {
        var parameter = new Parameter<double>("0.weight", [1, 4], new Matrix<double>(1, 4));
        parameter.Grad.CopyFrom([-3, -0.2, 0.2, 5]);

        GradientClipping.ByValue([parameter], 1);

        Assert.Equal([-1, -0.2, 0.2, 1], parameter.Grad.Data);
    }
}
