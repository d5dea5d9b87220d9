using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;

namespace Parity.Protocol.Tests;

/// <summary>A model with buffers over the protocol: they cross with the parameters in state_dict order (num_batches_tracked as a shape-[] tensor), marked in the model, and have no gradient.</summary>
public class BufferProtocolTests
{
    [Fact]
    public void Buffers_cross_with_the_parameters_and_have_no_gradient()
    {
        var spec = SpecLoader.Parse("name: buffers\nseed: 1\ndata: {source: disk, train: 20}\nmodel: [linear: 3, batch-norm1d, relu, linear: 1]\nloss: bce-with-logits\n"
            + "optimizer: {sgd: {lr: 0.1}}\ntrain: {epochs: 1, batch: 10}\n", "buffers.yaml");
        var batch = Batches.ForStep(spec, DatasetLoader.Load(spec).Train, Enumerable.Range(0, 10).ToArray(), 1, 0);
        using var engine = new ProcessBackend(Engines.Fault("stub.py")["exec:".Length..], ModelDescriptions.Describe(spec), InitialParameters.Create(spec), TimeSpan.FromSeconds(60), new StringWriter(), new object());

        var state = engine.GetParameters();
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"], state.Select(t => t.Name));
        Assert.Empty(state.Single(t => t.Name == "1.num_batches_tracked").Shape);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"], engine.ComputeGradients(batch).Parameters.Select(t => t.Name));
    }
}
