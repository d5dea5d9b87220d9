using Parity.Harness.Checks;
using Parity.Harness.Comparison;
using Parity.Spec;
using Parity.Spec.Initialization;
using Parity.Spec.Yaml;

namespace Parity.Harness.Shrinking;

/// <summary>
/// A shrunk failure frozen for a test that needs nothing of Parity but its contract: the spec, the initial
/// parameters, the mini-batches the failing step runs on, TorchSharp's results for it, and the xunit test
/// (<see cref="ReproductionTest"/>) with its project. The step replayed is the first check that fails: the
/// gradient check on the first batch (layer outputs, loss, gradients, the buffers it moved, the evaluation
/// outputs), or else the optimizer over the update check's steps up to the first that parts: the parameters after
/// it, and the optimizer state where the engine exposes one (a state that parts shows in the parameters only
/// later, or never while the learning rate is constant).
/// </summary>
/// <param name="Steps">The optimizer steps the test replays; null when it replays the gradient check's step.</param>
public sealed record Reproduction(string SpecYaml, IReadOnlyList<(HostTensor Tensor, string DType)> Initial, IReadOnlyList<HostTensor> Batches, IReadOnlyList<HostTensor> Expected,
    int? Steps, string Test, string Project)
{
    public const string SpecFile = "spec.yaml", InitialFile = "initial.safetensors", BatchFile = "batch.safetensors", ExpectedFile = "expected.safetensors",
        TestFile = "ShrunkReproduction.cs", ProjectFile = "ShrunkReproduction.csproj";

    /// <summary>The folder a failing report keeps its reproduction in, beside report.md.</summary>
    public const string Folder = "reproduction";

    /// <param name="shrunk">The shrinker's result.</param>
    /// <param name="enginePath">The engine assembly the test loads unless <c>PARITY_ENGINE</c> names another; "" when the engine is not one (builtin, exec:).</param>
    public static Reproduction Of(ShrinkResult shrunk, string enginePath)
    {
        var failure = shrunk.Failure;
        var model = ModelDescriptions.Describe(failure.Spec);
        var yaml = YamlText.Write(Standalone(shrunk.Spec, failure.Spec));
        var steps = UpdateSteps(failure);
        var batches = failure.Batches.Take(steps ?? 1).SelectMany((batch, index) => Frozen(model, batch, index)).ToList();
        var expected = steps is { } k ? AfterStep(failure.Updates.Steps[k - 1]) : GradientStep(failure.Gradients);
        var test = ReproductionTest.Source(failure, shrunk, model, Tolerances.Gradient(failure.Spec), steps, Math.Min(steps ?? 1, failure.Batches.Count), enginePath);
        return new Reproduction(yaml, [.. failure.InitialParameters.Select(p => (p, StateDictMatch.DType(model, p.Name)))], batches, expected, steps, test, ReproductionTest.Project());
    }

    /// <summary>
    /// The shrunk spec as it is written beside its frozen files: renamed "-shrunk", its init the frozen initial parameters
    /// (so the spec alone reproduces the failure too), and a CSV source's path made absolute, as the spec moves.
    /// </summary>
    static MappingNode Standalone(MappingNode tree, ParitySpec spec)
    {
        var mark = tree.Mark;
        tree = SpecReductions.With(tree, "name", new ScalarNode($"{spec.Name}-shrunk", mark));
        tree = SpecReductions.With(tree, "init", new MappingNode([new(new ScalarNode("from", mark), new ScalarNode(InitialFile, mark))], mark));
        return spec.Data.Path is { } path && SpecReductions.Entry(tree, "data") is MappingNode data
            ? SpecReductions.With(tree, "data", SpecReductions.With(data, "path", new ScalarNode(path, mark)))
            : tree;
    }

    /// <summary>The steps to replay when the gradients agree and the optimizer parts: up to the first failing step.</summary>
    static int? UpdateSteps(CheckResult failure) => failure.Gradients.Passed ? failure.Updates.FirstFailure?.Step : null;

    /// <summary>A batch as tensors named "{batch}.x", "{batch}.classes" or "{batch}.targets", and "{batch}.{mask name}".</summary>
    static IEnumerable<HostTensor> Frozen(ModelDescription model, Batch batch, int index)
    {
        yield return new($"{index}.x", [batch.Rows, batch.Features], batch.X);
        if (batch.Classes is { } classes)
            // One class per output position: [rows] for an output [V], [rows, T] for a sequence's [T, V], as the protocol sends them.
            yield return new($"{index}.classes", [batch.Rows, .. model.Layers[^1].OutputShape[..^1]], [.. classes.Select(c => (double)c)]);
        if (batch.Targets is { } targets)
            yield return new($"{index}.targets", [batch.Rows, batch.TargetWidth], targets);
        foreach (var mask in batch.Masks ?? [])
            yield return mask with { Name = $"{index}.{mask.Name}" };
    }

    static IReadOnlyList<HostTensor> GradientStep(GradientParityResult parity) =>
    [
        .. parity.TwinOutputs.Select(o => o with { Name = $"output.{o.Name}" }),
        new("loss", [1], [parity.Twin.Loss]),
        .. parity.Twin.LayerOutputs.Select(g => g with { Name = $"dout.{g.Name}" }),
        .. parity.Twin.Parameters.Select(g => g with { Name = $"grad.{g.Name}" }),
        parity.Twin.Input with { Name = "grad.input" },
        .. parity.Buffers.Select(b => b.Twin with { Name = $"buffer.{b.Twin.Name}" }),
        .. parity.Evaluation is { Twin: { } evaluation } ? [evaluation with { Name = "evaluation" }] : Array.Empty<HostTensor>(),
    ];

    static IReadOnlyList<HostTensor> AfterStep(UpdateStep step) =>
        [.. step.TwinAfter.Select(p => p with { Name = $"step.{p.Name}" }), .. step.TwinState.Select(s => s with { Name = $"state.{s.Name}" })];
}
