using Parity.Spec;
using Parity.Torch.Modules;

namespace Parity.Torch.Twin;

/// <summary>
/// The libtorch twin behind the backend contract: parameters are libtorch leaf tensors, and every
/// forward, loss, gradient, clipping, update and schedule step is libtorch's — no formula of ours.
/// </summary>
public sealed class TwinBackend : IBackend
{
    readonly ParitySpec _spec;
    readonly ScalarType _dtype;
    readonly List<Tensor> _parameters = [];
    readonly List<string> _names = [];
    readonly Dictionary<string, Tensor> _byName = [];
    readonly SGD _optimizer;
    readonly LRScheduler? _scheduler;

    public TwinBackend(ParitySpec spec, IReadOnlyList<HostTensor> initialParameters)
    {
        _spec = spec;
        _dtype = spec.DType == DType.Float32 ? ScalarType.Float32 : ScalarType.Float64;
        foreach (var initial in initialParameters)
        {
            var parameter = torch.tensor(initial.Data, initial.Shape.Select(d => (long)d).ToArray(), _dtype, requires_grad: true);
            _parameters.Add(parameter);
            _names.Add(initial.Name);
            _byName[initial.Name] = parameter;
        }
        var sgd = spec.Optimizer;
        _optimizer = torch.optim.SGD(_parameters, sgd.Lr, sgd.Momentum, sgd.Dampening, sgd.WeightDecay, sgd.Nesterov);
        _scheduler = spec.Schedule switch
        {
            { Kind: ScheduleKind.Exponential } exponential => torch.optim.lr_scheduler.ExponentialLR(_optimizer, exponential.Gamma),
            { Kind: ScheduleKind.Step } step => torch.optim.lr_scheduler.StepLR(_optimizer, step.StepSize, step.Gamma),
            _ => null,
        };
    }

    public string Name => "twin";

    public IReadOnlyList<HostTensor> GetParameters() =>
        _names.Select((name, i) => new HostTensor(name, _parameters[i].shape.Select(d => (int)d).ToArray(), _parameters[i].data<double>())).ToList();

    public void SetParameters(IReadOnlyList<HostTensor> parameters)
    {
        var byName = parameters.ToDictionary(p => p.Name);
        var values = _names.Select((name, i) =>
        {
            if (!byName.TryGetValue(name, out var tensor))
                throw new ArgumentException($"no value given for parameter {name}");
            var shape = _parameters[i].shape;
            // copy_ checks the element count only: a transposed weight would go in silently
            if (!tensor.Shape.Select(d => (long)d).SequenceEqual(shape))
                throw new ArgumentException($"parameter {name} is [{string.Join(", ", shape)}], the value given is {tensor.ShapeText}");
            return tensor.Data;
        }).ToList();
        for (var i = 0; i < values.Count; i++)
            _parameters[i].copy_(values[i]);
    }

    public double TrainStep(Batch batch)
    {
        _optimizer.zero_grad();
        using var input = Input(batch);
        using var target = Target(batch);
        using var output = Forward(input);
        using var loss = TwinOps.Loss(_spec.Loss, output, target);
        loss.backward();
        if (_spec.Clip is { Kind: ClipKind.Norm } norm)
            torch.nn.utils.clip_grad_norm_(_parameters, norm.Threshold);
        else if (_spec.Clip is { Kind: ClipKind.Value } value)
            torch.nn.utils.clip_grad_value_(_parameters, value.Threshold);
        _optimizer.step();
        return loss.item<double>();
    }

    public Evaluation Evaluate(Batch batch)
    {
        using var noGrad = torch.no_grad();
        using var input = Input(batch);
        using var target = Target(batch);
        using var output = Forward(input);
        using var loss = TwinOps.Loss(_spec.Loss, output, target);
        return new Evaluation(loss.item<double>(), output.data<double>(), (int)output.shape[1]);
    }

    public void EndEpoch() => _scheduler?.step();

    public void Dispose()
    {
        _scheduler?.Dispose();
        _optimizer.Dispose();
        foreach (var parameter in _parameters)
            parameter.Dispose();
    }

    /// <summary>Runs the model, disposing each intermediate handle as soon as the next op holds it (autograd keeps its own references).</summary>
    Tensor Forward(Tensor input)
    {
        var current = input;
        foreach (var layer in _spec.Model)
        {
            var next = TwinOps.Layer(layer, current, _byName);
            if (!ReferenceEquals(current, input) && !ReferenceEquals(next, current))
                current.Dispose();
            current = next;
        }
        // The caller disposes the result; never hand it the input it also disposes.
        return ReferenceEquals(current, input) ? current.detach() : current;
    }

    Tensor Input(Batch batch) => torch.tensor(batch.X, [batch.Rows, batch.Features], _dtype);

    Tensor Target(Batch batch) => batch.Classes is { } classes
        ? torch.tensor(classes.Select(c => (long)c).ToArray(), [batch.Rows])
        : torch.tensor(batch.Targets, [batch.Rows, batch.TargetWidth], _dtype);
}
