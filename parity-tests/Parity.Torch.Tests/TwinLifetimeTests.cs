using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using System.Runtime.InteropServices;
using Parity.Torch.Twin;

namespace Parity.Torch.Tests;

/// <summary>The twin holds one tensor per parameter (and SGD's momentum buffers) while it lives, whatever it does, and none once disposed.</summary>
[Collection(ProcessStateCollection.Name)]
public class TwinLifetimeTests
{
    static readonly ParitySpec Spec = SpecLoader.Parse("""
        name: twin-lifetime
        seed: 5
        data: {source: quadratic, train: 60, test: 20}
        model:
          - linear: 6
          - tanh
          - linear: 1
        loss: mse
        optimizer:
          sgd: {lr: 0.01, momentum: 0.9, weight_decay: 0.001}
        schedule: {step: {size: 2, gamma: 0.5}}
        clip: {norm: 1.0}
        train: {epochs: 2, batch: 20}
        """, "test.yaml");

    [Fact]
    public void TrainingEvaluatingAndQueryingLeaveNoTensorBehind()
    {
        var data = DatasetLoader.Load(Spec);
        var initial = InitialParameters.Create(Spec);
        var test = Training.All(Spec, data.Test);
        var before = ProcessStateCollection.SettledLiveTensors();

        var twin = new TwinBackend(ModelDescriptions.Describe(Spec), initial);
        var holding = before + initial.Count;
        Assert.Equal(holding, TorchRuntime.LiveTensors);
        for (var epoch = 1; epoch <= Spec.Train.Epochs; epoch++)
        {
            foreach (var batch in Training.EpochBatches(Spec, data.Train, epoch))
            {
                twin.TrainStep(batch);
                // TorchSharp's SGD, like PyTorch's, keeps a momentum buffer per parameter from the first step on.
                if (epoch == 1 && holding == before + initial.Count)
                    holding += initial.Count;
                Assert.Equal(holding, TorchRuntime.LiveTensors);
            }
            twin.EndEpoch();
            twin.Evaluate(test);
            twin.SetParameters(twin.GetParameters());
            Assert.Equal(holding, TorchRuntime.LiveTensors);
        }
        twin.Dispose();

        Assert.Equal(before, TorchRuntime.LiveTensors);
    }

    [Theory]
    [InlineData("three features for a model of two", "mat1 and mat2 shapes cannot be multiplied (4x3 and 2x6)")]
    [InlineData("targets for three rows of four", "mismatched total size creating a tensor")]
    public void AFaultyBatchRaisesTorchSharpsMessageAndLeavesNoTensorBehind(string fault, string message)
    {
        var data = DatasetLoader.Load(Spec);
        var good = Training.EpochBatches(Spec, data.Train, 1).First();
        var bad = fault == "three features for a model of two"
            ? new Batch(4, 3, new double[12], null, new double[4], 1)
            : new Batch(4, 2, new double[8], null, new double[3], 1);
        var before = ProcessStateCollection.SettledLiveTensors();
        using var twin = new TwinBackend(ModelDescriptions.Describe(Spec), InitialParameters.Create(Spec));

        var exception = Assert.ThrowsAny<Exception>(() => twin.TrainStep(bad));
        Assert.Contains(message, exception.Message);
        Assert.Contains(message, Assert.ThrowsAny<Exception>(() => twin.Evaluate(bad)).Message);

        Assert.Equal(before + 4, TorchRuntime.LiveTensors);
        Assert.True(double.IsFinite(twin.TrainStep(good)));
        Assert.Equal(before + 4 + 4, TorchRuntime.LiveTensors); // and a momentum buffer each
    }
}
