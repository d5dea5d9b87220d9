using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

/// <summary>
/// Every backward against central finite differences in float64. Modules are checked through the
/// scalar L = Σ output ⊙ R for a fixed random R, so backward(R) must return dL/d(input).
/// </summary>
public class GradientTests
{
    const int Rows = 3, Features = 4;

    public static TheoryData<string> Modules => ["linear", "linear-no-bias", "relu", "leaky-relu", "tanh", "sigmoid", "softmax", "identity", "sequential"];

    public static TheoryData<string> ModulesWithParameters => ["linear", "linear-no-bias", "sequential"];

    [Theory, MemberData(nameof(Modules))]
    public void InputGradientMatchesFiniteDifferences(string name)
    {
        var random = new Random(1);
        var module = Module(name, random);
        var x = AwayFromZero(Rows, Features, random);
        var output = module.Forward(x);
        var r = RandomValues(output.Data.Length, random);

        var analytical = module.Backward(ShapedLike(output, r)).ToDoubles();

        FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(x.Data, () => Objective(module.Forward(x), r)), analytical, $"{name} dL/dx");
    }

    [Theory, MemberData(nameof(ModulesWithParameters))]
    public void ParameterGradientsMatchFiniteDifferences(string name)
    {
        var random = new Random(2);
        var module = Module(name, random);
        var x = AwayFromZero(Rows, Features, random);
        var output = module.Forward(x);
        var r = RandomValues(output.Data.Length, random);

        module.Backward(ShapedLike(output, r));

        Assert.NotEmpty(module.Parameters);
        foreach (var parameter in module.Parameters)
            FiniteDifferences.AssertMatches(
                FiniteDifferences.Gradient(parameter.Value.Data, () => Objective(module.Forward(x), r)), parameter.Grad.ToDoubles(), parameter.Name);
    }

    [Fact]
    public void ParameterGradientsAccumulateUntilZeroGrad()
    {
        var random = new Random(3);
        var linear = (Linear<double>)Module("linear", random);
        var x = AwayFromZero(Rows, Features, random);
        var gradOutput = Matrix<double>.From(Rows, 3, RandomValues(Rows * 3, random));
        double[][] Grads() => linear.Parameters.Select(p => p.Grad.ToDoubles()).ToArray();

        linear.Forward(x);
        linear.Backward(gradOutput);
        var once = Grads();
        linear.Forward(x);
        linear.Backward(gradOutput);
        var twice = Grads();
        foreach (var parameter in linear.Parameters)
            parameter.ZeroGrad();
        var cleared = Grads();
        linear.Backward(gradOutput);

        for (var k = 0; k < once.Length; k++)
        {
            Assert.Contains(once[k], v => Math.Abs(v) > 0.01);
            Elementwise.AssertClose(once[k].Select(v => 2 * v).ToArray(), twice[k], 1e-14);
            Assert.All(cleared[k], v => Assert.Equal(0, v));
            Elementwise.AssertClose(once[k], Grads()[k], 1e-14);
        }
    }

    [Theory, MemberData(nameof(LossTests.All), MemberType = typeof(LossTests))]
    public void LossGradientMatchesFiniteDifferences(string name, Reduction reduction)
    {
        var random = new Random(4);
        var output = new Matrix<double>(Rows, Features);
        // BCE needs probabilities; keeping them in [0.2, 0.8] keeps the clamps out of the way.
        for (var i = 0; i < output.Data.Length; i++)
            output.Data[i] = name == "bce" ? 0.2 + 0.6 * random.NextDouble() : 4 * random.NextDouble() - 2;
        var targets = name == "cross-entropy"
            ? new LossTargets<double>(null, Enumerable.Range(0, Rows).Select(_ => random.Next(Features)).ToArray())
            : new LossTargets<double>(Matrix<double>.From(Rows, Features, RandomValues(Rows * Features, random).Select(v => name == "mse" ? v : Math.Abs(v)).ToArray()), null);
        var loss = LossTests.Create(name, reduction);

        loss.Forward(output, targets);
        var analytical = loss.Backward().ToDoubles();

        FiniteDifferences.AssertMatches(FiniteDifferences.Gradient(output.Data, () => loss.Forward(output, targets)), analytical, $"{name} ({reduction}) dL/dp");
    }

    static Module<double> Module(string name, Random random) => name switch
    {
        "linear" => WithRandomParameters(new Linear<double>("0.", Features, 3, bias: true), random),
        "linear-no-bias" => WithRandomParameters(new Linear<double>("0.", Features, 3, bias: false), random),
        "sequential" => WithRandomParameters(new Sequential<double>(
            [new Linear<double>("0.", Features, 5, bias: true), new LeakyRelu<double>(0.1), new Linear<double>("2.", 5, 3, bias: false), new Softmax<double>()]), random),
        _ => ModuleForwardTests.Activation(name),
    };

    static Module<double> WithRandomParameters(Module<double> module, Random random)
    {
        foreach (var parameter in module.Parameters)
            parameter.Value.CopyFrom(RandomValues(parameter.Value.Data.Length, random));
        return module;
    }

    /// <summary>Values with 0.1 ≤ |x| ≤ 1, so that no ReLU kink lies within eps of an input.</summary>
    static Matrix<double> AwayFromZero(int rows, int cols, Random random) =>
        Matrix<double>.From(rows, cols, RandomValues(rows * cols, random).Select(v => Math.CopySign(0.1 + 0.9 * Math.Abs(v), v)).ToArray());

    static double[] RandomValues(int count, Random random) =>
        Enumerable.Range(0, count).Select(_ => 2 * random.NextDouble() - 1).ToArray();

    static Matrix<double> ShapedLike(Matrix<double> output, double[] r) => Matrix<double>.From(output.Rows, output.Cols, r);

    static double Objective(Matrix<double> output, double[] r) => output.Data.Zip(r, (y, w) => y * w).Sum();
}
