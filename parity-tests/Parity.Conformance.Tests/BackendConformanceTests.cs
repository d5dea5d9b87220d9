using Parity.Spec;

namespace Parity.Conformance.Tests;

/// <summary>The built-in engine and the TorchSharp twin keep the engine contract, checked the same way any engine is.</summary>
public class BackendConformanceTests
{
    public static TheoryData<string, string> BackendsAndCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in BackendsUnderTest.ByName.Keys)
            foreach (var c in ConformanceCases.Standard)
                data.Add(backend, c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(BackendsAndCases))]
    public void KeepsTheContract(string backend, string @case) =>
        ConformanceKit.Verify(BackendsUnderTest.ByName[backend], ConformanceCases.Standard.Single(c => c.Name == @case));

    public static TheoryData<string, string, string> BackendsDtypesAndModesLayers()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var backend in BackendsUnderTest.ByName.Keys)
            foreach (var dtype in new[] { "float64", "float32" })
                foreach (var layer in new[] { "{dropout: {p: 0.5}}", "batch-norm1d" })
                    data.Add(backend, dtype, layer);
        return data;
    }

    /// <summary>
    /// A model whose training differs from its evaluation: the generated case carries dropout's mask and
    /// batch norm's buffers; Forward and the training calls drop and take the batch's statistics,
    /// Evaluate passes dropout through and normalises by the running ones, and only the training calls move buffers.
    /// </summary>
    [Theory]
    [MemberData(nameof(BackendsDtypesAndModesLayers))]
    public void KeepsTheContractWithATrainingModeLayer(string backend, string dtype, string layer)
    {
        var c = TrainingModeCase.Of(dtype, layer);

        Assert.Equal(layer.StartsWith("{dropout", StringComparison.Ordinal), c.Batch.Masks is [{ Name: "2.mask" }]);
        ConformanceKit.Verify(BackendsUnderTest.ByName[backend], c);
    }

    public static TheoryData<string, string, double> BackendsAndDtypes()
    {
        var data = new TheoryData<string, string, double>();
        foreach (var backend in BackendsUnderTest.ByName.Keys)
        {
            data.Add(backend, "float64", 1e-14);
            data.Add(backend, "float32", 1e-6);
        }
        return data;
    }

    /// <summary>The four XOR corners and their labels.</summary>
    static readonly Batch Xor = new(4, 2, [0, 0, 0, 1, 1, 0, 1, 1], null, [0, 1, 1, 0], 1);

    /// <summary>Beyond keeping the contract, the backends compute the model: its output and BCE loss, by hand in float64.</summary>
    [Theory]
    [MemberData(nameof(BackendsAndDtypes))]
    public void EvaluateComputesTheModelAndTrainStepReportsTheLossBeforeTheStep(string backend, string dtype, double tolerance)
    {
        var spec = SpecLoader.Parse($$$"""
            name: hand-computed
            seed: 11
            dtype: {{{dtype}}}
            data: {source: xor, train: 4, test: 4}
            model: [linear: 3, tanh, linear: 1, identity, sigmoid]
            loss: bce
            optimizer: {sgd: {lr: 0.5}}
            train: {epochs: 1, batch: 4}
            """, "hand-computed.yaml");
        using var under = BackendsUnderTest.ByName[backend](ModelDescriptions.Describe(spec), Spec.Initialization.InitialParameters.Create(spec));
        var p = under.GetParameters().Select(t => t.Data).ToArray();
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

        var evaluation = under.Evaluate(Xor);

        Assert.Equal(1, evaluation.Width);
        Assert.All(expected.Zip(evaluation.Outputs), pair => Assert.Equal(pair.First, pair.Second, tolerance));
        Assert.Equal(expectedLoss, evaluation.Loss, tolerance);
        Assert.Equal(evaluation.Loss, under.TrainStep(Xor), tolerance);
        Assert.True(under.Evaluate(Xor).Loss < evaluation.Loss);
    }
}
