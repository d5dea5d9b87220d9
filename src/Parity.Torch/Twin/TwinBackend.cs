using Parity.Spec;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// The TorchSharp twin behind the backend contract: parameters are TorchSharp <c>Parameter</c>s, and
/// every forward, loss, gradient, clipping, update and schedule step is TorchSharp's — no formula of
/// ours. Each call runs in a dispose scope, so no tensor outlives it but the parameters, the loaded
/// batch and the graph between <see cref="Forward()"/> and <see cref="Backward"/>.
/// </summary>
public sealed class TwinBackend : IPhasedBackend
{
    readonly ParitySpec _spec;
    readonly ScalarType _dtype;
    readonly List<Parameter> _parameters = [];
    readonly List<string> _names = [];
    readonly Dictionary<string, Tensor> _byName = [];
    readonly SGD _optimizer;
    readonly optim.lr_scheduler.LRScheduler? _scheduler;
    // IPhasedBackend: the loaded batch, and the loss of the last forward until its backward (its graph holds the rest).
    Tensor? _loadedInput, _loadedTarget, _graphLoss;

    public TwinBackend(ParitySpec spec, IReadOnlyList<HostTensor> initialParameters)
    {
        _spec = spec;
        _dtype = spec.DType == DType.Float32 ? ScalarType.Float32 : ScalarType.Float64;
        foreach (var initial in initialParameters)
        {
            // Parameter takes the tensor's native handle over, and with it its place in TorchSharp's live count.
            var parameter = new Parameter(HostTensors.ToTorch(initial.Data, initial.Shape.Select(d => (long)d).ToArray(), _dtype), requires_grad: true);
            parameter.DetachFromDisposeScope();
            _parameters.Add(parameter);
            _names.Add(initial.Name);
            _byName[initial.Name] = parameter;
        }
        var sgd = spec.Optimizer;
        _optimizer = optim.SGD(_parameters, sgd.Lr, sgd.Momentum, sgd.Dampening, sgd.WeightDecay, sgd.Nesterov);
        // TorchSharp's schedulers, like PyTorch's, take their initial step in the constructor.
        _scheduler = spec.Schedule switch
        {
            { Kind: ScheduleKind.Exponential } exponential => optim.lr_scheduler.ExponentialLR(_optimizer, exponential.Gamma),
            { Kind: ScheduleKind.Step } step => optim.lr_scheduler.StepLR(_optimizer, step.StepSize, step.Gamma),
            _ => null,
        };
    }

    public string Name => "twin";

    public IReadOnlyList<HostTensor> GetParameters() => _names.Select((name, i) => HostTensors.ToHost(name, _parameters[i])).ToList();

    public void SetParameters(IReadOnlyList<HostTensor> parameters)
    {
        var byName = parameters.ToDictionary(p => p.Name);
        var values = _names.Select((name, i) =>
        {
            if (!byName.TryGetValue(name, out var tensor))
                throw new ArgumentException($"no value given for parameter {name}");
            var shape = _parameters[i].shape;
            // copy_ broadcasts: a [1, n] value would fill an [m, n] weight silently
            if (!tensor.Shape.Select(d => (long)d).SequenceEqual(shape))
                throw new ArgumentException($"parameter {name} is [{string.Join(", ", shape)}], the value given is {tensor.ShapeText}");
            return tensor;
        }).ToList();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var i = 0; i < values.Count; i++)
            _parameters[i].copy_(HostTensors.ToTorch(values[i].Data, _parameters[i].shape, _dtype));
    }

    public IReadOnlyList<HostTensor> Forward(Batch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return LayerOutputs.Run(_spec, Input(batch), _byName).Select((output, i) => HostTensors.ToHost(i.ToString(), output)).ToList();
    }

    public Gradients ComputeGradients(Batch batch)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        var input = Input(batch).requires_grad_(true);
        var layers = LayerOutputs.Run(_spec, input, _byName);
        foreach (var output in layers.Where(output => !ReferenceEquals(output, input)))
            output.retain_grad();
        var loss = TwinOps.Loss(_spec.Loss, layers[^1], Target(batch));
        loss.backward();
        return new Gradients(
            Scalar(loss),
            _names.Select((name, i) => GradientOf(name, _parameters[i])).ToList(),
            layers.Select((output, i) => GradientOf(i.ToString(), output)).ToList(),
            GradientOf("input", input));
    }

    public void Step()
    {
        using var scope = NewDisposeScope();
        if (_spec.Clip is { Kind: ClipKind.Norm } norm)
            nn.utils.clip_grad_norm_(_parameters, norm.Threshold);
        else if (_spec.Clip is { Kind: ClipKind.Value } value)
            nn.utils.clip_grad_value_(_parameters, value.Threshold);
        _optimizer.step();
    }

    public double TrainStep(Batch batch)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        var loss = TwinOps.Loss(_spec.Loss, LayerOutputs.Run(_spec, Input(batch), _byName)[^1], Target(batch));
        loss.backward();
        Step();
        return Scalar(loss);
    }

    public void Load(Batch batch)
    {
        ReleaseLoaded();
        _loadedInput = Input(batch).DetachFromDisposeScope();
        _loadedTarget = Target(batch).DetachFromDisposeScope();
    }

    public void Forward()
    {
        if (_loadedInput is null || _loadedTarget is null)
            throw new InvalidOperationException("Forward before Load: load a batch first");
        _optimizer.zero_grad();
        ReleaseGraph();
        using var scope = NewDisposeScope();
        // The layer outputs' handles go with the scope; the autograd graph keeps what backward needs.
        _graphLoss = TwinOps.Loss(_spec.Loss, LayerOutputs.Run(_spec, _loadedInput, _byName)[^1], _loadedTarget).DetachFromDisposeScope();
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
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = LayerOutputs.Run(_spec, Input(batch), _byName)[^1];
        var loss = TwinOps.Loss(_spec.Loss, output, Target(batch));
        return new Evaluation(Scalar(loss), HostTensors.ToHost(output), (int)output.shape[1]);
    }

    public void EndEpoch() => _scheduler?.step();

    public void Dispose()
    {
        ReleaseLoaded();
        _optimizer.Dispose();
        foreach (var parameter in _parameters)
            parameter.Dispose();
    }

    void ReleaseGraph()
    {
        _graphLoss?.Dispose();
        _graphLoss = null;
    }

    void ReleaseLoaded()
    {
        ReleaseGraph();
        _loadedInput?.Dispose();
        _loadedTarget?.Dispose();
        (_loadedInput, _loadedTarget) = (null, null);
    }

    static double Scalar(Tensor loss) => HostTensors.ToHost(loss)[0];

    /// <summary>The gradient TorchSharp accumulated in a tensor (zeros where autograd never reached it).</summary>
    static HostTensor GradientOf(string name, Tensor tensor) => tensor.grad is { } grad
        ? HostTensors.ToHost(name, grad)
        : new HostTensor(name, HostTensors.Shape(tensor), new double[tensor.numel()]);

    Tensor Input(Batch batch) => HostTensors.ToTorch(batch.X, [batch.Rows, batch.Features], _dtype);

    Tensor Target(Batch batch) => batch.Classes is { } classes
        ? tensor(classes.Select(c => (long)c).ToArray(), [batch.Rows], ScalarType.Int64)
        : HostTensors.ToTorch(batch.Targets!, [batch.Rows, batch.TargetWidth], _dtype);
}
