using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;

namespace Parity.Torch.Tests;

/// <summary>The twin holds one native tensor per parameter while it lives, whatever it does, and none once disposed.</summary>
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

        var twin = new TwinBackend(Spec, initial);
        var holding = before + initial.Count;
        Assert.Equal(holding, torch.live_tensors());
        for (var epoch = 1; epoch <= Spec.Train.Epochs; epoch++)
        {
            foreach (var batch in Training.EpochBatches(Spec, data.Train, epoch))
            {
                twin.TrainStep(batch);
                Assert.Equal(holding, torch.live_tensors());
            }
            twin.EndEpoch();
            twin.Evaluate(test);
            twin.SetParameters(twin.GetParameters());
            Assert.Equal(holding, torch.live_tensors());
        }
        twin.Dispose();

        Assert.Equal(before, torch.live_tensors());
    }

    [Theory]
    [InlineData("three features for a model of two", "mat1 and mat2 shapes cannot be multiplied (4x3 and 2x6)")]
    [InlineData("targets for three rows of four", "3 values do not fill a tensor of shape [4, 1]")]
    public void AFaultyBatchRaisesLibtorchsMessageAndLeavesNoTensorBehind(string fault, string message)
    {
        var data = DatasetLoader.Load(Spec);
        var good = Training.EpochBatches(Spec, data.Train, 1).First();
        var bad = fault == "three features for a model of two"
            ? new Batch(4, 3, new double[12], null, new double[4], 1)
            : new Batch(4, 2, new double[8], null, new double[3], 1);
        var before = ProcessStateCollection.SettledLiveTensors();
        using var twin = new TwinBackend(Spec, InitialParameters.Create(Spec));

        var exception = Assert.Throws<TorchException>(() => twin.TrainStep(bad));
        Assert.Contains(message, exception.Message);
        Assert.Contains(message, Assert.Throws<TorchException>(() => twin.Evaluate(bad)).Message);

        Assert.Equal(before + 4, torch.live_tensors());
        Assert.True(double.IsFinite(twin.TrainStep(good)));
        Assert.Equal(before + 4, torch.live_tensors());
    }
}
