using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;

namespace Parity.Torch.Tests;

/// <summary>
/// The twin takes another backend's gradients as its own (IGradientInjection), exactly, and its optimizer steps
/// on them: the update check relies on it to compare two optimizers on the same gradients.
/// </summary>
public class GradientInjectionTests
{
    const string Spec = """
        name: injected
        seed: 5
        dtype: float32
        data: {source: disk, train: 40, test: 10}
        model:
          - linear: 6
          - batch-norm1d
          - tanh
          - linear: 1
        loss: bce-with-logits
        optimizer:
          adam: {lr: 0.01, amsgrad: true}
        clip: {norm: 0.5}
        train: {epochs: 1, batch: 20}
        """;

    [Fact]
    public void The_twin_steps_on_injected_gradients_as_on_its_own()
    {
        var spec = SpecLoader.Parse(Spec, "injected.yaml");
        var batch = Training.EpochBatches(spec, DatasetLoader.Load(spec).Train, 1).First();
        var (model, initial) = (ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
        using var own = new TwinBackend(model, initial);
        using var injected = new TwinBackend(model, initial);
        var gradients = own.ComputeGradients(batch).Parameters;
        var halved = gradients.Select(g => g with { Data = [.. g.Data.Select(v => v / 2)] }).ToList();
        injected.ComputeGradients(batch);
        injected.SetGradients(gradients);
        own.Step();
        injected.Step();
        Assert.Equal(own.GetParameters().SelectMany(p => p.Data), injected.GetParameters().SelectMany(p => p.Data));

        // Other gradients than its own: the step follows them, not the ones its backward computed.
        injected.ComputeGradients(batch);
        injected.SetGradients(halved);
        own.ComputeGradients(batch);
        own.Step();
        injected.Step();
        Assert.NotEqual(own.GetParameters().SelectMany(p => p.Data), injected.GetParameters().SelectMany(p => p.Data));
    }

    [Fact]
    public void A_gradient_left_out_or_of_the_wrong_shape_is_refused_by_name()
    {
        var spec = SpecLoader.Parse(Spec, "injected.yaml");
        using var twin = new TwinBackend(ModelDescriptions.Describe(spec), InitialParameters.Create(spec));
        var gradients = twin.GetParameters().Where(p => !p.Name.Contains("running") && !p.Name.Contains("num_batches")).ToList();
        Assert.Contains("0.bias", Assert.Throws<ArgumentException>(() => twin.SetGradients([.. gradients.Where(g => g.Name != "0.bias")])).Message);
        var wrong = gradients.Select(g => g.Name == "3.weight" ? new HostTensor(g.Name, [g.Count], g.Data) : g).ToList();
        Assert.Contains("3.weight", Assert.Throws<ArgumentException>(() => twin.SetGradients(wrong)).Message);
    }
}
