using Parity.Spec;
using Parity.Spec.Initialization;

namespace Parity.Engine.Tests;

public class EngineBackendTests
{
    static ParitySpec Spec(string dtype) => SpecLoader.Parse($"""
        name: engine-backend
        seed: 11
        dtype: {dtype}
        data: {"{"}source: xor, train: 4, test: 4{"}"}
        model:
          - linear: 3
          - tanh
          - linear: 1
          - sigmoid
        loss: bce
        optimizer:
          sgd: {"{"}lr: 0.5{"}"}
        train: {"{"}epochs: 1, batch: 4{"}"}
        """, "test.yaml");

    /// <summary>The four XOR corners and their labels.</summary>
    static readonly Batch Xor = new(4, 2, [0, 0, 0, 1, 1, 0, 1, 1], null, [0, 1, 1, 0], 1);

    [Theory]
    [InlineData("float64", typeof(EngineBackend<double>))]
    [InlineData("float32", typeof(EngineBackend<float>))]
    public void GetParametersReturnsTheInitialParametersExactly(string dtype, Type backendType)
    {
        var spec = Spec(dtype);
        var initial = InitialParameters.Create(spec);

        using var backend = EngineBackend.Create(ModelDescriptions.Describe(spec), initial);

        Assert.IsType(backendType, backend);
        var parameters = backend.GetParameters();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], parameters.Select(p => p.Name));
        for (var i = 0; i < initial.Count; i++)
        {
            Assert.Equal(initial[i].Shape, parameters[i].Shape);
            Assert.Equal(initial[i].Data, parameters[i].Data);
        }
    }

    [Fact]
    public void SetParametersRejectsAWrongShapeOrAMissingName()
    {
        var spec = Spec("float64");
        var initial = InitialParameters.Create(spec);
        using var backend = EngineBackend.Create(ModelDescriptions.Describe(spec), initial);
        var weight = initial[0];

        var transposed = initial.Select(p => p == weight ? p with { Shape = [weight.Shape[1], weight.Shape[0]] } : p).ToList();
        Assert.Throws<ArgumentException>(() => backend.SetParameters(transposed));
        Assert.Throws<ArgumentException>(() => backend.SetParameters(initial.Skip(1).ToList()));
    }

    [Theory]
    [InlineData("float64", 1e-14)]
    [InlineData("float32", 1e-6)]
    public void EvaluateComputesTheModelAndTrainStepReportsTheLossBeforeTheStep(string dtype, double tolerance)
    {
        var spec = Spec(dtype);
        using var backend = EngineBackend.Create(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
        var p = backend.GetParameters().Select(t => t.Data).ToArray();
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

        var evaluation = backend.Evaluate(Xor);

        Elementwise.AssertClose(expected, evaluation.Outputs, tolerance);
        Assert.Equal(expectedLoss, evaluation.Loss, tolerance);
        Assert.Equal(evaluation.Loss, backend.TrainStep(Xor));
        Assert.NotEqual(evaluation.Loss, backend.Evaluate(Xor).Loss);
    }

    [Fact]
    public void TrainStepMovesEachParameterByMinusLrTimesItsGradient()
    {
        var spec = Spec("float64");
        var initial = InitialParameters.Create(spec);
        using var backend = EngineBackend.Create(ModelDescriptions.Describe(spec), initial);

        backend.TrainStep(Xor);
        var after = backend.GetParameters();

        foreach (var (before, updated) in initial.Zip(after))
        {
            var numerical = FiniteDifferences.Gradient(before.Data, () =>
            {
                backend.SetParameters(initial);
                return backend.Evaluate(Xor).Loss;
            });
            var analytical = before.Data.Zip(updated.Data, (b, a) => (b - a) / spec.Optimizer.Lr).ToArray();
            FiniteDifferences.AssertMatches(numerical, analytical, before.Name);
        }
    }
}
