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

    /// <summary>The contract itself (parameters, forward, gradients, steps) is checked by the conformance kit, for the engine and the twin alike.</summary>
    [Theory]
    [InlineData("float64", typeof(EngineBackend<double>))]
    [InlineData("float32", typeof(EngineBackend<float>))]
    public void CreateComputesInTheModelsDtype(string dtype, Type backendType)
    {
        var spec = Spec(dtype);

        using var backend = EngineBackend.Create(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));

        Assert.IsType(backendType, backend);
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
