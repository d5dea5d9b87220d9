using Parity.Spec;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;

namespace Parity.Torch.Tests;

/// <summary>The twin keeps the backend contract: parameters in and out unchanged, by name and shape.</summary>
public class TwinBackendTests
{
    static ParitySpec Spec(string dtype) => SpecLoader.Parse($$"""
        name: twin-backend
        seed: 11
        dtype: {{dtype}}
        data: {source: xor, train: 4, test: 4}
        model:
          - linear: 3
          - tanh
          - linear: 1
          - identity
          - sigmoid
        loss: bce
        optimizer:
          sgd: {lr: 0.5}
        train: {epochs: 1, batch: 4}
        """, "test.yaml");

    /// <summary>The four XOR corners and their labels.</summary>
    static readonly Batch Xor = new(4, 2, [0, 0, 0, 1, 1, 0, 1, 1], null, [0, 1, 1, 0], 1);

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void GetParametersReturnsTheInitialParametersExactly(string dtype)
    {
        var spec = Spec(dtype);
        var initial = InitialParameters.Create(spec);

        using var twin = new TwinBackend(ModelDescriptions.Describe(spec), initial);

        Assert.Equal("twin", twin.Name);
        var parameters = twin.GetParameters();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], parameters.Select(p => p.Name));
        Assert.Equal(initial.Select(p => p.Shape), parameters.Select(p => p.Shape));
        Assert.Equal(initial.Select(p => p.Data), parameters.Select(p => p.Data));
    }

    [Fact]
    public void SetParametersReplacesEveryValue()
    {
        var spec = Spec("float64");
        var initial = InitialParameters.Create(spec);
        using var twin = new TwinBackend(ModelDescriptions.Describe(spec), initial);
        var replaced = initial.Select(p => p with { Data = p.Data.Select(v => -3 * v + 0.125).ToArray() }).ToList();

        twin.SetParameters(replaced);

        Assert.Equal(replaced.Select(p => p.Data), twin.GetParameters().Select(p => p.Data));
    }

    [Fact]
    public void SetParametersRejectsAWrongShapeOrAMissingName()
    {
        var spec = Spec("float64");
        var initial = InitialParameters.Create(spec);
        using var twin = new TwinBackend(ModelDescriptions.Describe(spec), initial);
        var weight = initial[0];

        var transposed = initial.Select(p => p == weight ? p with { Shape = [weight.Shape[1], weight.Shape[0]] } : p).ToList();
        var shapeError = Assert.Throws<ArgumentException>(() => twin.SetParameters(transposed));
        Assert.Contains("0.weight", shapeError.Message);
        var nameError = Assert.Throws<ArgumentException>(() => twin.SetParameters(initial.Skip(1).ToList()));
        Assert.Contains("0.weight", nameError.Message);
        Assert.Equal(initial.Select(p => p.Data), twin.GetParameters().Select(p => p.Data));
    }

    [Theory]
    [InlineData("float64", 1e-14)]
    [InlineData("float32", 1e-6)]
    public void EvaluateComputesTheModelAndTrainStepReportsTheLossBeforeTheStep(string dtype, double tolerance)
    {
        var spec = Spec(dtype);
        using var twin = new TwinBackend(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
        var p = twin.GetParameters().Select(t => t.Data).ToArray();
        var (w1, b1, w2, b2) = (p[0], p[1], p[2], p[3]);

        var expected = new double[4];
        var expectedLoss = 0.0;
        for (var row = 0; row < 4; row++)
        {
            var (x0, x1) = (Xor.X[2 * row], Xor.X[2 * row + 1]);
            var z = b2[0];
            for (var j = 0; j < 3; j++)
                z += w2[j] * Math.Tanh(w1[2 * j] * x0 + w1[2 * j + 1] * x1 + b1[j]);
            expected[row] = 1 / (1 + Math.Exp(-z));
            var y = Xor.Targets![row];
            expectedLoss -= (y * Math.Log(expected[row]) + (1 - y) * Math.Log(1 - expected[row])) / 4;
        }

        var evaluation = twin.Evaluate(Xor);
        Assert.Equal(1, evaluation.Width);
        Close.Equal(expected, evaluation.Outputs, rtol: tolerance, atol: tolerance);
        Close.Equal(expectedLoss, evaluation.Loss, rtol: tolerance, atol: 0);
        Assert.Equal(p, twin.GetParameters().Select(t => t.Data));

        Close.Equal(expectedLoss, twin.TrainStep(Xor), rtol: tolerance, atol: 0);
        Assert.True(twin.Evaluate(Xor).Loss < evaluation.Loss);
    }
}
