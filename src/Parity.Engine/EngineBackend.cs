using System.Numerics;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;
using Parity.Spec;

namespace Parity.Engine;

/// <summary>The from-scratch engine behind the backend contract, in the spec's dtype.</summary>
public static class EngineBackend
{
    public static IBackend Create(ParitySpec spec, IReadOnlyList<HostTensor> initialParameters) => spec.DType switch
    {
        DType.Float32 => new EngineBackend<float>(spec, initialParameters),
        _ => new EngineBackend<double>(spec, initialParameters),
    };
}

public sealed class EngineBackend<T> : IBackend where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly ParitySpec _spec;
    readonly Sequential<T> _model;
    readonly Loss<T> _loss;
    readonly Sgd<T> _optimizer;
    readonly LearningRateSchedule? _schedule;
    Matrix<T>? _input, _targets;

    public EngineBackend(ParitySpec spec, IReadOnlyList<HostTensor> initialParameters)
    {
        _spec = spec;
        _model = ModelBuilder.Model<T>(spec);
        _loss = ModelBuilder.Loss<T>(spec.Loss);
        _optimizer = new Sgd<T>(_model.Parameters, spec.Optimizer);
        _schedule = spec.Schedule is null ? null : new LearningRateSchedule(spec.Schedule);
        SetParameters(initialParameters);
    }

    public string Name => "engine";

    public IReadOnlyList<Parameter<T>> Parameters => _model.Parameters;

    public IReadOnlyList<HostTensor> GetParameters() =>
        _model.Parameters.Select(p => new HostTensor(p.Name, p.Shape, p.Value.ToDoubles())).ToList();

    public void SetParameters(IReadOnlyList<HostTensor> parameters)
    {
        var byName = parameters.ToDictionary(p => p.Name);
        foreach (var parameter in _model.Parameters)
        {
            if (!byName.TryGetValue(parameter.Name, out var tensor))
                throw new ArgumentException($"no value given for parameter {parameter.Name}");
            if (!tensor.Shape.SequenceEqual(parameter.Shape))
                throw new ArgumentException($"parameter {parameter.Name} is [{string.Join(", ", parameter.Shape)}], the value given is {tensor.ShapeText}");
            parameter.Value.CopyFrom(tensor.Data);
        }
    }

    public double TrainStep(Batch batch)
    {
        foreach (var parameter in _model.Parameters)
            parameter.ZeroGrad();
        var loss = _loss.Forward(_model.Forward(Input(batch)), Targets(batch));
        _model.Backward(_loss.Backward());
        if (_spec.Clip is not null)
            GradientClipping.Apply(_spec.Clip, _model.Parameters);
        _optimizer.Step();
        return loss;
    }

    public Evaluation Evaluate(Batch batch)
    {
        var output = _model.Forward(Input(batch));
        var loss = _loss.Forward(output, Targets(batch));
        return new Evaluation(loss, output.ToDoubles(), output.Cols);
    }

    public void EndEpoch()
    {
        if (_schedule is not null)
            _optimizer.Lr = _schedule.NextLr(_optimizer.Lr);
    }

    public void Dispose()
    {
    }

    Matrix<T> Input(Batch batch)
    {
        var input = Matrix<T>.Reuse(ref _input, batch.Rows, batch.Features);
        input.CopyFrom(batch.X);
        return input;
    }

    LossTargets<T> Targets(Batch batch)
    {
        if (batch.Classes is not null)
            return new LossTargets<T>(null, batch.Classes);
        var targets = Matrix<T>.Reuse(ref _targets, batch.Rows, batch.TargetWidth);
        targets.CopyFrom(batch.Targets);
        return new LossTargets<T>(targets, null);
    }
}
