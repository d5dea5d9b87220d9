using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;

namespace Parity.Engine.Tests;

/// <summary>
/// torch.optim.SGD's documented update, three steps from p = 1 with a fixed gradient g = 0.5 and lr = 0.1:
/// d = g + wd·p;  b = d on the first step, else μ·b + (1 − dampening)·d;  d = d + μ·b (Nesterov) or b;  p −= lr·d.
/// </summary>
public class SgdTests
{
    [Theory]
    // plain: p −= 0.1·0.5 each step → 0.95, 0.90, 0.85
    [InlineData(0, 0, 0, false, 0.95, 0.9, 0.85)]
    // momentum 0.9: b = 0.5 → 0.95;  b = 0.45 + 0.5 = 0.95 → 0.855;  b = 0.855 + 0.5 = 1.355 → 0.7195
    [InlineData(0.9, 0, 0, false, 0.95, 0.855, 0.7195)]
    // dampening 0.5: b = g = 0.5 (undamped on the first step) → 0.95;  b = 0.45 + 0.25 = 0.7 → 0.88;  b = 0.63 + 0.25 = 0.88 → 0.792
    [InlineData(0.9, 0.5, 0, false, 0.95, 0.88, 0.792)]
    // Nesterov: b = 0.5, d = 0.5 + 0.45 = 0.95 → 0.905;  b = 0.95, d = 0.5 + 0.855 = 1.355 → 0.7695;
    //           b = 1.355, d = 0.5 + 1.2195 = 1.7195 → 0.59755
    [InlineData(0.9, 0, 0, true, 0.905, 0.7695, 0.59755)]
    // weight decay 0.1: d = 0.5 + 0.1 = 0.6 → 0.94;  d = 0.5 + 0.094 = 0.594 → 0.8806;  d = 0.5 + 0.08806 = 0.58806 → 0.821794
    [InlineData(0, 0, 0.1, false, 0.94, 0.8806, 0.821794)]
    // weight decay 0.1 before momentum 0.9: d = 0.6, b = 0.6 → 0.94;  d = 0.594, b = 0.54 + 0.594 = 1.134 → 0.8266;
    //           d = 0.58266, b = 1.0206 + 0.58266 = 1.60326 → 0.666274
    [InlineData(0.9, 0, 0.1, false, 0.94, 0.8266, 0.666274)]
    public void ThreeStepsFollowTorchFormulas(double momentum, double dampening, double weightDecay, bool nesterov, double p1, double p2, double p3)
    {
        var parameter = new Parameter<double>("0.weight", [1, 1], Matrix<double>.From(1, 1, [1]));
        parameter.Grad.CopyFrom([0.5]);
        var sgd = new Sgd<double>([parameter], new SgdOptions(0.1, momentum, dampening, weightDecay, nesterov));

        var values = new List<double>();
        for (var step = 0; step < 3; step++)
        {
            sgd.Step();
            values.Add(parameter.Value.Data[0]);
        }

        Elementwise.AssertClose([p1, p2, p3], values, 1e-14);
        Assert.Equal(0.5, parameter.Grad.Data[0]);
    }

    [Fact]
    public void EachParameterKeepsItsOwnMomentumAndTheCurrentLr()
    {
        var first = new Parameter<double>("0.weight", [1, 2], Matrix<double>.From(1, 2, [1, 2]));
        var second = new Parameter<double>("0.bias", [1], Matrix<double>.From(1, 1, [0]));
        first.Grad.CopyFrom([1, -1]);
        second.Grad.CopyFrom([2]);
        var sgd = new Sgd<double>([first, second], new SgdOptions(0.5, Momentum: 0.5));

        sgd.Step();
        sgd.Lr = 0.25;
        sgd.Step();

        // step 1 (lr 0.5): b = g → p = [1, 2] − 0.5·[1, −1] = [0.5, 2.5], 0 − 0.5·2 = −1
        // step 2 (lr 0.25): b = 0.5·g + g = 1.5·g → p = [0.5 − 0.375, 2.5 + 0.375] = [0.125, 2.875], −1 − 0.25·3 = −1.75
        Assert.Equal([0.125, 2.875], first.Value.Data);
        Assert.Equal([-1.75], second.Value.Data);
    }
}
