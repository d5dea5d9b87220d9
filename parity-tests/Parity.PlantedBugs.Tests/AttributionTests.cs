using Parity.Engine;
using Parity.Harness.Checks;
using Parity.Harness.Training;
using Parity.PlantedBugs.Tests.Bugs;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;

namespace Parity.PlantedBugs.Tests;

/// <summary>
/// Bug by bug over the catalogue: per-layer re-sync or teacher forcing names the part each bug is planted
/// in (<see cref="PlantedBug.Planted"/>), and re-sync blames no innocent layer. A layer bug: re-sync gives
/// an own error to planted layers alone, at least one — in training or, for a bug of evaluation alone, in
/// the layer's evaluation forward. A loss bug: no layer has an own error, and the
/// difference enters at the loss. An optimizer, clipping or schedule bug: no layer has an own error, the
/// gradients agree, and teacher forcing pins a step whose own update differs — for a schedule, in the
/// learning rate it forces.
/// </summary>
public class AttributionTests
{
    public static TheoryData<string> Bugs => new(Catalogue.All.Select(b => b.Name));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void ReSyncOrTeacherForcingNamesThePlantedPartAndBlamesNoInnocentLayer(string name)
    {
        var bug = Catalogue.All.Single(b => b.Name == name);
        // Two epochs, so that a schedule acts within the teacher-forced run.
        var spec = SpecLoader.Parse(bug.Spec.Replace("train: {epochs: 1,", "train: {epochs: 2,", StringComparison.Ordinal), $"{name}.yaml");
        var model = ModelDescriptions.Describe(spec);
        var initial = InitialParameters.Create(spec);
        var data = DatasetLoader.Load(spec);
        var batch = FirstBatch(spec, data);
        BackendFactory engine = (m, p) => new EngineBackend<double>(m, p, bug.Parts);

        var (parity, resync) = Resync(spec, engine, model, initial, batch);

        Assert.True(resync.Available, resync.Unavailable);
        var rows = string.Join("; ", resync.Layers.Select(l => $"{l.Layer}: own {l.OwnError:G3} inherited {l.InheritedError:G3} {l.Verdict}"));
        switch (bug.Planted.Part)
        {
            case "layer":
                Assert.True(resync.Blamed.Count > 0, $"{name}: no layer has an own error ({rows})");
                Assert.True(resync.Blamed.All(bug.Planted.Layers.Contains), $"{name}: re-sync blames layer {string.Join(", ", resync.Blamed)}, planted in {string.Join(", ", bug.Planted.Layers)} ({rows})");
                break;
            case "loss":
                Assert.True(resync.Blamed.Count == 0, $"{name}: re-sync blames layer {string.Join(", ", resync.Blamed)} for a loss bug ({rows})");
                Assert.True(!parity.Loss.Passed || !parity.LayerOutputGradients[^1].Passed, $"{name}: neither the loss nor the gradient leaving it differs");
                break;
            default:
                Assert.True(resync.Blamed.Count == 0, $"{name}: re-sync blames layer {string.Join(", ", resync.Blamed)} for an update bug ({rows})");
                Assert.True(parity.Passed, $"{name}: the gradients part, though the bug is in the {bug.Planted.Part}");
                var forced = Force(spec, data, engine, model, initial);
                var first = Assert.IsType<ForcedStep>(forced.First);
                if (bug.Planted == Planted.Schedule)
                    Assert.Equal("lr", first.FirstState?.Name);
                else
                    Assert.NotEqual("lr", first.FirstState?.Name);
                break;
        }
    }

    /// <summary>The same on the correct engine: nothing is blamed, nothing inherited.</summary>
    [Theory]
    [InlineData("bias-gradient-averaged")]
    [InlineData("batch-norm-running-var-biased")]
    [InlineData("dropout-not-rescaled")]
    [InlineData("conv-padding-off-by-one-in-backward")]
    [InlineData("residual-skip-dropped-in-backward")]
    public void TheCorrectEngineHasNoOwnOrInheritedError(string name)
    {
        var spec = SpecLoader.Parse(Catalogue.All.Single(b => b.Name == name).Spec, $"{name}.yaml");
        var model = ModelDescriptions.Describe(spec);
        var initial = InitialParameters.Create(spec);
        var batch = FirstBatch(spec, DatasetLoader.Load(spec));

        var (_, resync) = Resync(spec, EngineBackend.Create, model, initial, batch);

        Assert.True(resync.Available, resync.Unavailable);
        Assert.Equal(spec.Model.Count, resync.Layers.Count);
        Assert.All(resync.Layers, l => Assert.Equal("agrees", l.Verdict));
    }

    /// <summary>Gradient parity, then re-sync from its TorchSharp tensors, each on fresh backends as check runs them.</summary>
    static (GradientParityResult, LayerResyncResult) Resync(ParitySpec spec, BackendFactory engine, ModelDescription model, IReadOnlyList<HostTensor> initial, Batch batch)
    {
        GradientParityResult parity;
        using (var e = engine(model, initial))
        using (var t = new TwinBackend(model, initial))
            parity = GradientParity.Run(spec, e, t, batch);
        using var resynced = engine(model, initial);
        using var twin = new TwinBackend(model, initial);
        return (parity, LayerResync.Run(spec, resynced, twin, batch, parity));
    }

    static Batch FirstBatch(ParitySpec spec, Dataset data)
    {
        var order = BatchOrder.ForEpoch(spec, 1, data.Train.Rows);
        return Batches.ForStep(spec, data.Train, order.AsSpan(0, Math.Min(spec.Train.Batch, order.Length)), 1, 0);
    }

    static TeacherForcingResult Force(ParitySpec spec, Dataset data, BackendFactory engine, ModelDescription model, IReadOnlyList<HostTensor> initial)
    {
        using var e = engine(model, initial);
        using var t = new TwinBackend(model, initial);
        return new TeacherForcing(spec, data).Train(e, t);
    }
}
