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
    readonly EngineParts<T> _parts;
    readonly Sequential<T> _model;
    readonly Loss<T> _loss;
    readonly IOptimizer _optimizer;
    readonly ILearningRateSchedule? _schedule;
    Matrix<T>? _input, _targets;

    public EngineBackend(ParitySpec spec, IReadOnlyList<HostTensor> initialParameters, EngineParts<T>? parts = null)
    {
        _spec = spec;
        _parts = parts ?? EngineParts<T>.Standard;
        _model = new Sequential<T>(spec.Model.Select(_parts.Layer).ToList());
        _loss = _parts.Loss(spec.Loss);
        _optimizer = _parts.Optimizer(_model.Parameters, spec.Optimizer);
        _schedule = spec.Schedule is null ? null : _parts.Schedule(spec.Schedule);
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

    public IReadOnlyList<HostTensor> Forward(Batch batch)
    {
        var outputs = new List<HostTensor>();
        var current = Input(batch);
        for (var i = 0; i < _model.Modules.Count; i++)
        {
            current = _model.Modules[i].Forward(current);
            outputs.Add(Host(i.ToString(), current));
        }
        return outputs;
    }

    public Gradients ComputeGradients(Batch batch)
    {
        ZeroGrad();
        var loss = _loss.Forward(_model.Forward(Input(batch)), Targets(batch));
        // Walk the modules backward by hand to record dL/d(output) of each layer on the way.
        var layerOutputs = new HostTensor[_model.Modules.Count];
        var gradient = _loss.Backward();
        for (var i = _model.Modules.Count - 1; i >= 0; i--)
        {
            layerOutputs[i] = Host(i.ToString(), gradient);
            gradient = _model.Modules[i].Backward(gradient);
        }
        var parameters = _model.Parameters.Select(p => new HostTensor(p.Name, p.Shape, p.Grad.ToDoubles())).ToList();
        return new Gradients(loss, parameters, layerOutputs, Host("input", gradient));
    }

    public void Step()
    {
        if (_spec.Clip is not null)
            _parts.Clip(_spec.Clip, _model.Parameters);
        _optimizer.Step();
    }

    public double TrainStep(Batch batch)
    {
        ZeroGrad();
        var loss = _loss.Forward(_model.Forward(Input(batch)), Targets(batch));
        _model.Backward(_loss.Backward());
        Step();
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

    void ZeroGrad()
    {
        foreach (var parameter in _model.Parameters)
            parameter.ZeroGrad();
    }

    static HostTensor Host(string name, Matrix<T> matrix) => new(name, [matrix.Rows, matrix.Cols], matrix.ToDoubles());

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
