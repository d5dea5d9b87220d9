using Parity.Engine;
using Parity.Spec;
using Parity.Spec.Data;
using Parity.Spec.Initialization;
using Parity.Torch.Twin;
using Xunit.Abstractions;

namespace Parity.Torch.Tests;

/// <summary>
/// The twin and the from-scratch engine, built from one spec and its initial parameters and fed the
/// same batches, stay together step by step: losses, parameters after each epoch, and the schedule
/// (the engine's LearningRateSchedule is the reference for when the learning rate decays).
/// </summary>
public class TwinVersusEngineTests(ITestOutputHelper output)
{
    static readonly Dictionary<string, string> Specs = new()
    {
        ["nesterov-weight-decay-exponential-clip-norm"] = """
            data: {source: quadratic, train: 120, test: 40}
            model:
              - linear: 8
              - tanh
              - linear: 1
            loss: mse
            optimizer:
              sgd: {lr: 0.02, momentum: 0.9, nesterov: true, weight_decay: 0.01}
            schedule: {exponential: {gamma: 0.5}}
            clip: {norm: 1.0}
            train: {epochs: 3, batch: 20}
            """,
        ["cross-entropy-dampening-step-clip-value"] = """
            data: {source: disk, train: 200, test: 50}
            model:
              - linear: 12
              - relu
              - linear: 2
            loss: cross-entropy
            optimizer:
              sgd: {lr: 0.5, momentum: 0.5, dampening: 0.2, weight_decay: 0.001}
            schedule: {step: {size: 2, gamma: 0.1}}
            clip: {value: 0.05}
            train: {epochs: 3, batch: 25}
            """,
        ["bce-with-logits-sum-leaky-relu-softmax"] = """
            data: {source: disk, train: 150, test: 50}
            model:
              - linear: 6
              - {leaky-relu: {slope: 0.1}}
              - linear: 6
              - softmax
              - linear: 1
            loss: {kind: bce-with-logits, reduction: sum}
            optimizer:
              sgd: {lr: 0.01, momentum: 0.9}
            schedule: {step: {size: 1, gamma: 0.8}}
            train: {epochs: 3, batch: 30, shuffle: false}
            """,
        ["adam-l2-amsgrad"] = """
            data: {source: quadratic, train: 120, test: 40}
            model: [{linear: 8}, tanh, {linear: 1}]
            loss: mse
            optimizer:
              adam: {lr: 0.01, betas: [0.8, 0.99], eps: 1.0e-6, weight_decay: 0.01, amsgrad: true}
            train: {epochs: 3, batch: 20}
            """,
        ["adamw-exponential"] = """
            data: {source: disk, train: 200, test: 50}
            model: [{linear: 12}, relu, {linear: 2}]
            loss: cross-entropy
            optimizer:
              adamw: {lr: 0.02, weight_decay: 0.1}
            schedule: {exponential: {gamma: 0.5}}
            train: {epochs: 3, batch: 25}
            """,
        ["rmsprop-centered-momentum"] = """
            data: {source: quadratic, train: 120, test: 40}
            model: [{linear: 8}, tanh, {linear: 1}]
            loss: mse
            optimizer:
              rmsprop: {lr: 0.005, alpha: 0.9, weight_decay: 0.01, momentum: 0.5, centered: true}
            train: {epochs: 3, batch: 20}
            """,
        ["adagrad-lr-decay"] = """
            data: {source: disk, train: 200, test: 50}
            model: [{linear: 12}, relu, {linear: 2}]
            loss: cross-entropy
            optimizer:
              adagrad: {lr: 0.1, lr_decay: 0.05, weight_decay: 0.01, initial_accumulator_value: 0.1}
            train: {epochs: 3, batch: 25}
            """,
    };

    static ParitySpec Spec(string name, string dtype) =>
        SpecLoader.Parse($"name: {name}\nseed: 17\ndtype: {dtype}\n{Specs[name]}", "test.yaml");

    [Theory]
    [InlineData("nesterov-weight-decay-exponential-clip-norm", "float64", 1e-10)]
    [InlineData("cross-entropy-dampening-step-clip-value", "float64", 1e-10)]
    [InlineData("bce-with-logits-sum-leaky-relu-softmax", "float64", 1e-10)]
    [InlineData("nesterov-weight-decay-exponential-clip-norm", "float32", 1e-4)]
    [InlineData("adam-l2-amsgrad", "float64", 1e-10)]
    [InlineData("adamw-exponential", "float64", 1e-10)]
    [InlineData("rmsprop-centered-momentum", "float64", 1e-10)]
    [InlineData("adagrad-lr-decay", "float64", 1e-10)]
    [InlineData("adamw-exponential", "float32", 1e-4)]
    public void ThreeEpochsOnTheSameBatchesEndWithTheSameParameters(string name, string dtype, double tolerance)
    {
        var spec = Spec(name, dtype);
        var data = DatasetLoader.Load(spec);
        var initial = InitialParameters.Create(spec);
        using var engine = EngineBackend.Create(ModelDescriptions.Describe(spec), initial);
        using var twin = new TwinBackend(ModelDescriptions.Describe(spec), initial);

        for (var epoch = 1; epoch <= spec.Train.Epochs; epoch++)
        {
            foreach (var batch in Training.EpochBatches(spec, data.Train, epoch))
                Close.Equal(engine.TrainStep(batch), twin.TrainStep(batch), rtol: tolerance, atol: 0);
            engine.EndEpoch();
            twin.EndEpoch();
            AssertSameParameters(engine.GetParameters(), twin.GetParameters(), tolerance, $"epoch {epoch}");
            // the optimizer state by name: the same entries (step, moments, buffers) and the same values
            AssertSameParameters(((IOptimizerState)engine).GetOptimizerState(), twin.GetOptimizerState(), tolerance, $"epoch {epoch} state");
        }

        var test = Training.All(spec, data.Test);
        var (engineEvaluation, twinEvaluation) = (engine.Evaluate(test), twin.Evaluate(test));
        Close.Equal(engineEvaluation.Loss, twinEvaluation.Loss, rtol: tolerance, atol: 0);
        Assert.Equal(engineEvaluation.Width, twinEvaluation.Width);
        Close.Equal(engineEvaluation.Outputs, twinEvaluation.Outputs, rtol: tolerance, atol: tolerance);
        // training moved every parameter: agreement is not that of two untouched copies
        Assert.All(initial.Zip(twin.GetParameters()), pair => Assert.NotEqual(pair.First.Data, pair.Second.Data));
    }

    /// <summary>
    /// SetOptimizerState, as teacher forcing uses it: a fresh twin and a fresh engine given the parameters and the
    /// optimizer state (step counts, buffers, lr) of a twin trained one epoch continue exactly as that twin does.
    /// A state written nowhere would show at once: the fresh ones would restart their buffers and bias corrections.
    /// </summary>
    [Theory]
    [InlineData("nesterov-weight-decay-exponential-clip-norm")]
    [InlineData("cross-entropy-dampening-step-clip-value")]
    [InlineData("adam-l2-amsgrad")]
    [InlineData("adamw-exponential")]
    [InlineData("rmsprop-centered-momentum")]
    [InlineData("adagrad-lr-decay")]
    public void A_backend_given_another_ones_state_continues_as_it_would(string name)
    {
        var spec = Spec(name, "float64");
        var data = DatasetLoader.Load(spec);
        var initial = InitialParameters.Create(spec);
        var model = ModelDescriptions.Describe(spec);
        using var trained = new TwinBackend(model, initial);
        foreach (var batch in Training.EpochBatches(spec, data.Train, 1))
            trained.TrainStep(batch);
        using var twin = new TwinBackend(model, initial);
        using var engine = EngineBackend.Create(model, initial);
        IBackend[] all = [trained, twin, engine];
        // The schedules keep their own epoch count: every backend ends the first epoch, then takes the trained one's lr.
        foreach (var backend in all)
            backend.EndEpoch();
        foreach (var backend in new[] { twin, engine })
        {
            backend.SetParameters(trained.GetParameters());
            ((IOptimizerState)backend).SetOptimizerState(trained.GetOptimizerState());
        }

        foreach (var batch in Training.EpochBatches(spec, data.Train, 2))
            foreach (var backend in all)
                backend.TrainStep(batch);
        foreach (var backend in all)
            backend.EndEpoch();

        AssertSameParameters(twin.GetParameters(), trained.GetParameters(), 1e-15, "twin from the state");
        AssertSameParameters(twin.GetOptimizerState(), trained.GetOptimizerState(), 1e-15, "twin's state from the state");
        AssertSameParameters(engine.GetParameters(), trained.GetParameters(), 1e-10, "engine from the state");
        AssertSameParameters(((IOptimizerState)engine).GetOptimizerState(), trained.GetOptimizerState(), 1e-10, "engine's state from the state");
    }

    /// <summary>max |engine − twin| / max |engine| over each parameter tensor.</summary>
    void AssertSameParameters(IReadOnlyList<HostTensor> engine, IReadOnlyList<HostTensor> twin, double tolerance, string when)
    {
        Assert.Equal(engine.Select(p => p.Name), twin.Select(p => p.Name));
        foreach (var (e, t) in engine.Zip(twin))
        {
            Assert.Equal(e.Shape, t.Shape);
            var error = e.Data.Zip(t.Data).Max(p => Math.Abs(p.First - p.Second)) / Math.Max(e.Data.Max(Math.Abs), double.Epsilon);
            output.WriteLine($"{when} {e.Name}: relative difference {error:E2}");
            Assert.True(error <= tolerance, $"{when}, {e.Name}: relative difference {error:E3} > {tolerance:E0}");
        }
    }
}
