using Parity.Spec;
using Parity.Torch.Modules;

namespace Parity.Torch.Twin;

/// <summary>
/// The libtorch twin behind the backend contract: parameters are libtorch leaf tensors, and every
/// forward, loss, gradient, clipping, update and schedule step is libtorch's — no formula of ours.
/// </summary>
public sealed class TwinBackend : IPhasedBackend
{
    readonly ParitySpec _spec;
    readonly ScalarType _dtype;
    readonly List<Tensor> _parameters = [];
    readonly List<string> _names = [];
    readonly Dictionary<string, Tensor> _byName = [];
    readonly SGD _optimizer;
    readonly LRScheduler? _scheduler;
    // IPhasedBackend: the loaded batch as libtorch tensors, and the graph of the last forward until its backward.
    Tensor? _loadedInput, _loadedTarget;
    LayerOutputs? _graph;
    Tensor? _graphLoss;

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

    public IReadOnlyList<HostTensor> Forward(Batch batch)
    {
        using var noGrad = torch.no_grad();
        using var input = Input(batch);
        using var layers = new LayerOutputs(_spec, input, _byName);
        return layers.Select((output, i) => Host(i.ToString(), output)).ToList();
    }

    public Gradients ComputeGradients(Batch batch)
    {
        _optimizer.zero_grad();
        using var input = Input(batch, requiresGrad: true);
        using var target = Target(batch);
        using var layers = new LayerOutputs(_spec, input, _byName);
        foreach (var output in layers)
            output.retain_grad();
        using var loss = TwinOps.Loss(_spec.Loss, layers[^1], target);
        loss.backward();
        return new Gradients(
            loss.item<double>(),
            _names.Select((name, i) => GradientOf(name, _parameters[i])).ToList(),
            layers.Select((output, i) => GradientOf(i.ToString(), output)).ToList(),
            GradientOf("input", input));
    }

    public void Step()
    {
        if (_spec.Clip is { Kind: ClipKind.Norm } norm)
            torch.nn.utils.clip_grad_norm_(_parameters, norm.Threshold);
        else if (_spec.Clip is { Kind: ClipKind.Value } value)
            torch.nn.utils.clip_grad_value_(_parameters, value.Threshold);
        _optimizer.step();
    }

    public double TrainStep(Batch batch)
    {
        _optimizer.zero_grad();
        using var input = Input(batch);
        using var target = Target(batch);
        using var layers = new LayerOutputs(_spec, input, _byName);
        using var loss = TwinOps.Loss(_spec.Loss, layers[^1], target);
        loss.backward();
        Step();
        return loss.item<double>();
    }

    public void Load(Batch batch)
    {
        ReleaseLoaded();
        (_loadedInput, _loadedTarget) = (Input(batch), Target(batch));
    }

    public void Forward()
    {
        if (_loadedInput is null || _loadedTarget is null)
            throw new InvalidOperationException("Forward before Load: load a batch first");
        _optimizer.zero_grad();
        ReleaseGraph();
        _graph = new LayerOutputs(_spec, _loadedInput, _byName);
        _graphLoss = TwinOps.Loss(_spec.Loss, _graph[^1], _loadedTarget);
    }

    public void Backward()
    {
        var loss = _graphLoss ?? throw new InvalidOperationException("Backward before Forward");
        loss.backward();
        // What a Python loop frees when the iteration's tensors go out of scope.
        ReleaseGraph();
    }

    public Evaluation Evaluate(Batch batch)
    {
        using var noGrad = torch.no_grad();
        using var input = Input(batch);
        using var target = Target(batch);
        using var layers = new LayerOutputs(_spec, input, _byName);
        using var loss = TwinOps.Loss(_spec.Loss, layers[^1], target);
        return new Evaluation(loss.item<double>(), layers[^1].data<double>(), (int)layers[^1].shape[1]);
    }

    public void EndEpoch() => _scheduler?.step();

    public void Dispose()
    {
        ReleaseLoaded();
        _scheduler?.Dispose();
        _optimizer.Dispose();
        foreach (var parameter in _parameters)
            parameter.Dispose();
    }

    void ReleaseGraph()
    {
        _graphLoss?.Dispose();
        _graph?.Dispose();
        (_graphLoss, _graph) = (null, null);
    }

    void ReleaseLoaded()
    {
        ReleaseGraph();
        _loadedInput?.Dispose();
        _loadedTarget?.Dispose();
        (_loadedInput, _loadedTarget) = (null, null);
    }

    static HostTensor Host(string name, Tensor tensor) => new(name, tensor.shape.Select(d => (int)d).ToArray(), tensor.data<double>());

    /// <summary>The gradient libtorch accumulated in a tensor (zeros where autograd never reached it).</summary>
    static HostTensor GradientOf(string name, Tensor tensor)
    {
        using var grad = tensor.grad;
        var shape = tensor.shape.Select(d => (int)d).ToArray();
        return grad is null ? new HostTensor(name, shape, new double[shape.Aggregate(1, (a, b) => a * b)]) : Host(name, grad);
    }

    Tensor Input(Batch batch, bool requiresGrad = false) => torch.tensor(batch.X, [batch.Rows, batch.Features], _dtype, requiresGrad);

    Tensor Target(Batch batch) => batch.Classes is { } classes
        ? torch.tensor(classes.Select(c => (long)c).ToArray(), [batch.Rows])
        : torch.tensor(batch.Targets, [batch.Rows, batch.TargetWidth], _dtype);
}
