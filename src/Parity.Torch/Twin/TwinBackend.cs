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
public sealed class TwinBackend : IPhasedBackend, IOptimizerState, ILayerProbe, IForwardInto, IParametersInto, IGradientInjection, ITrainingLoss
{
    readonly ScalarType _dtype;
    // Every parameter and buffer in state_dict order (what GetParameters and SetParameters exchange), and the parameters alone, which train.
    readonly List<Tensor> _state = [];
    readonly List<Parameter> _parameters = [];
    readonly string[] _names, _parameterNames;
    readonly long[][] _shapes;
    readonly TwinLayers _layers;
    // Each flat entry's Path + ".", what the names of the parameters RunLayer returns start with.
    readonly string[] _prefixes;
    readonly bool _takesTokens;
    readonly Func<Tensor, Tensor, Tensor> _loss;
    readonly optim.Optimizer _optimizer;
    readonly Described _optimizerDescription;
    readonly optim.lr_scheduler.LRScheduler? _scheduler;
    readonly Action<IReadOnlyList<Parameter>>? _clip;
    readonly TwinMode _mode = new();
    // IPhasedBackend: the loaded batch, and the loss of the last forward until its backward (its graph holds the rest).
    Tensor? _loadedInput, _loadedTarget, _graphLoss;
    Dictionary<string, Tensor>? _loadedMasks;

    public TwinBackend(ModelDescription model, IReadOnlyList<HostTensor> initialParameters)
    {
        lock (TorchRuntime.Gate)
        {
            _dtype = model.DType switch
            {
                "float32" => ScalarType.Float32,
                "float64" => ScalarType.Float64,
                var other => throw new ArgumentException($"the TorchSharp reference computes in float32 or float64, not {other}"),
            };
            _names = [.. model.Parameters.Select(p => p.Name)];
            _parameterNames = [.. model.Parameters.Where(p => !p.Buffer).Select(p => p.Name)];
            _shapes = [.. model.Parameters.Select(p => p.Shape.Select(d => (long)d).ToArray())];
            var byName = new Dictionary<string, Parameter>();
            var buffers = new Dictionary<string, Tensor>();
            foreach (var ((initial, shape), description) in InOrder(initialParameters).Zip(_shapes).Zip(model.Parameters))
            {
                // Each parameter made from its initial values, not filled in afterwards: libtorch's products
                // may round differently with the memory a tensor starts in, and lockstep results stay as they were.
                // Parameter takes the tensor's native handle over, and with it its place in TorchSharp's live count.
                if (description.Buffer)
                {
                    // A buffer trains nothing: a tensor of the module's, not a parameter.
                    var buffer = HostTensors.Buffer(description.Name, initial.Data, shape, _dtype);
                    buffer.DetachFromDisposeScope();
                    _state.Add(buffers[description.Name] = buffer);
                    continue;
                }
                var parameter = new Parameter(HostTensors.ToTorch(initial.Data, shape, _dtype), requires_grad: true);
                parameter.DetachFromDisposeScope();
                _parameters.Add(byName[description.Name] = parameter);
                _state.Add(parameter);
            }
            _layers = new TwinLayers(model.Layers, layer => TwinOps.Layer(layer, byName, buffers, _mode));
            _prefixes = [.. model.Layers.Select(layer => layer.Prefix)];
            _takesTokens = model.TakesTokens;
            _loss = TwinOps.Loss(model.Loss);
            _optimizer = TwinOps.Optimizer(_parameters, model.Optimizer);
            _optimizerDescription = model.Optimizer;
            _scheduler = model.Schedule is { } schedule ? TwinOps.Schedule(_optimizer, schedule) : null;
            _clip = model.Clip is { } clip ? TwinOps.Clip(clip) : null;
        }
    }

    public string Name => "twin";

    public IReadOnlyList<HostTensor> GetParameters()
    {
        lock (TorchRuntime.Gate)
            return _names.Select((name, i) => HostTensors.ToHost(name, _state[i])).ToList();
    }

    public void GetParametersInto(IReadOnlyList<double[]> values)
    {
        lock (TorchRuntime.Gate)
            for (var i = 0; i < _state.Count; i++)
                HostTensors.CopyTo(_state[i], values[i]);
    }

    public void SetParameters(IReadOnlyList<HostTensor> parameters)
    {
        lock (TorchRuntime.Gate)
        {
            var values = InOrder(parameters);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            for (var i = 0; i < values.Count; i++)
                _state[i].copy_(HostTensors.ToTorch(values[i].Data, _shapes[i], _dtype));
        }
    }

    public IReadOnlyList<HostTensor> Forward(Batch batch)
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            _mode.Train(Masks(batch), updatesBuffers: false);
            return _layers.Run(Input(batch)).Select((output, i) => HostTensors.ToHost(i.ToString(), output)).ToList();
        }
    }

    public void ForwardInto(Batch batch, IReadOnlyList<int> layers, IReadOnlyList<double[]> outputs)
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            _mode.Train(Masks(batch), updatesBuffers: false);
            var run = _layers.Run(Input(batch));
            for (var k = 0; k < layers.Count; k++)
                HostTensors.CopyTo(run[layers[k]], outputs[k]);
        }
    }

    public double TrainingLoss(Batch batch)
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            _mode.Train(Masks(batch), updatesBuffers: false);
            return Scalar(_loss(_layers.Run(Input(batch))[^1], Target(batch)));
        }
    }

    public Gradients ComputeGradients(Batch batch)
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            _mode.Train(Masks(batch), updatesBuffers: true);
            // Token ids have no gradient: "input" comes back as zeros [rows, T].
            var input = _takesTokens ? Input(batch) : Input(batch).requires_grad_(true);
            var layers = _layers.Run(input);
            foreach (var output in layers.Where(output => !ReferenceEquals(output, input)))
                output.retain_grad();
            var loss = _loss(layers[^1], Target(batch));
            loss.backward();
            return new Gradients(
                Scalar(loss),
                _parameterNames.Select((name, i) => GradientOf(name, _parameters[i])).ToList(),
                layers.Select((output, i) => GradientOf(i.ToString(), output)).ToList(),
                GradientOf("input", input));
        }
    }

    public LayerRun RunLayer(int layer, Batch batch, HostTensor input, HostTensor outputGradient)
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            _mode.Train(Masks(batch), updatesBuffers: true);
            var x = EntryInput(layer, input);
            // Token ids have no gradient: "input" comes back as zeros [rows, T].
            if (!TakesTokens(layer))
                x.requires_grad_(true);
            var y = _layers.RunEntry(layer, x);
            // backward(gradient): autograd's vector-Jacobian product with the upstream gradient given.
            y.backward([HostTensors.ToTorch(outputGradient.Data, [.. outputGradient.Shape.Select(d => (long)d)], _dtype)]);
            var prefix = _prefixes[layer];
            return new LayerRun(
                HostTensors.ToHost("output", y),
                GradientOf("input", x),
                _parameterNames.Select((name, i) => (name, i)).Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(p => GradientOf(p.name, _parameters[p.i])).ToList());
        }
    }

    public HostTensor RunLayerEvaluation(int layer, Batch batch, HostTensor input)
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            _mode.Evaluate();
            return HostTensors.ToHost("output", _layers.RunEntry(layer, EntryInput(layer, input)));
        }
    }

    public void Step()
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            _clip?.Invoke(_parameters);
            _optimizer.step();
        }
    }

    public void SetGradients(IReadOnlyList<HostTensor> gradients)
    {
        lock (TorchRuntime.Gate)
        {
            var byName = gradients.ToDictionary(g => g.Name);
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            // Autograd writes them: the gradient of Σ p·g with respect to p is g, exactly (the product's backward
            // multiplies g by ones), where TorchSharp has no setter for a parameter's gradient.
            var total = _parameterNames.Select((name, i) => (_parameters[i] * Given(byName, name, i)).sum()).Aggregate((a, b) => a + b);
            total.backward();
        }
    }

    /// <summary>The gradient given for parameter <paramref name="index"/>, as a tensor of its shape.</summary>
    Tensor Given(Dictionary<string, HostTensor> gradients, string name, int index)
    {
        if (!gradients.TryGetValue(name, out var gradient))
            throw new ArgumentException($"no gradient given for parameter {name}");
        var shape = HostTensors.Shape(_parameters[index]);
        if (!gradient.Shape.SequenceEqual(shape))
            throw new ArgumentException($"parameter {name} is [{string.Join(", ", shape)}], the gradient given is {gradient.ShapeText}");
        return HostTensors.ToTorch(gradient.Data, [.. shape.Select(d => (long)d)], _dtype);
    }

    public double TrainStep(Batch batch)
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            _optimizer.zero_grad();
            _mode.Train(Masks(batch), updatesBuffers: true);
            var loss = _loss(_layers.Run(Input(batch))[^1], Target(batch));
            loss.backward();
            Step();
            return Scalar(loss);
        }
    }

    public void Load(Batch batch)
    {
        lock (TorchRuntime.Gate)
        {
            ReleaseLoaded();
            _loadedInput = Input(batch).DetachFromDisposeScope();
            _loadedTarget = Target(batch).DetachFromDisposeScope();
            _loadedMasks = Masks(batch);
            foreach (var mask in _loadedMasks.Values)
                mask.DetachFromDisposeScope();
        }
    }

    public void Forward()
    {
        lock (TorchRuntime.Gate)
        {
            if (_loadedInput is null || _loadedTarget is null)
                throw new InvalidOperationException("Forward before Load: load a batch first");
            _optimizer.zero_grad();
            ReleaseGraph();
            using var scope = NewDisposeScope();
            _mode.Train(_loadedMasks!, updatesBuffers: true);
            // The layer outputs' handles go with the scope; the autograd graph keeps what backward needs.
            _graphLoss = _loss(_layers.Run(_loadedInput)[^1], _loadedTarget).DetachFromDisposeScope();
        }
    }

    public void Backward()
    {
        lock (TorchRuntime.Gate)
        {
            var loss = _graphLoss ?? throw new InvalidOperationException("Backward before Forward");
            loss.backward();
            // What a Python loop frees when the iteration's tensors go out of scope.
            ReleaseGraph();
        }
    }

    public Evaluation Evaluate(Batch batch)
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            _mode.Evaluate();
            var output = _layers.Run(Input(batch))[^1];
            var loss = _loss(output, Target(batch));
            return new Evaluation(Scalar(loss), HostTensors.ToHost(output), (int)(output.numel() / output.shape[0]));
        }
    }

    public IReadOnlyList<HostTensor> GetOptimizerState()
    {
        lock (TorchRuntime.Gate)
        {
            using var scope = NewDisposeScope();
            return TwinOptimizerState.Read(_optimizer, _parameterNames, _optimizerDescription);
        }
    }

    public void SetOptimizerState(IReadOnlyList<HostTensor> state)
    {
        lock (TorchRuntime.Gate)
            TwinOptimizerState.Write(_optimizer, _names, _shapes, _dtype, _optimizerDescription, state);
    }

    public void EndEpoch()
    {
        lock (TorchRuntime.Gate)
            _scheduler?.step();
    }

    public void Dispose()
    {
        lock (TorchRuntime.Gate)
        {
            ReleaseLoaded();
            _optimizer.Dispose();
            foreach (var tensor in _state)
                tensor.Dispose();
        }
    }

    /// <summary>A value for every described parameter, in state_dict order, each of its parameter's shape.</summary>
    List<HostTensor> InOrder(IReadOnlyList<HostTensor> parameters)
    {
        var byName = parameters.ToDictionary(p => p.Name);
        return _names.Select((name, i) =>
        {
            if (!byName.TryGetValue(name, out var tensor))
                throw new ArgumentException($"no value given for parameter {name}");
            // copy_ broadcasts: a [1, n] value would fill an [m, n] weight silently
            if (!tensor.Shape.Select(d => (long)d).SequenceEqual(_shapes[i]))
                throw new ArgumentException($"parameter {name} is [{string.Join(", ", _shapes[i])}], the value given is {tensor.ShapeText}");
            return tensor;
        }).ToList();
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
        foreach (var mask in _loadedMasks?.Values ?? Enumerable.Empty<Tensor>())
            mask.Dispose();
        (_loadedInput, _loadedTarget, _loadedMasks) = (null, null, null);
    }

    static double Scalar(Tensor loss) => HostTensors.ToHost(loss)[0];

    /// <summary>The gradient TorchSharp accumulated in a tensor (zeros where autograd never reached it).</summary>
    static HostTensor GradientOf(string name, Tensor tensor) => tensor.grad is { } grad
        ? HostTensors.ToHost(name, grad)
        : new HostTensor(name, HostTensors.Shape(tensor), new double[tensor.numel()]);

    /// <summary>The batch's dropout masks as tensors of the model's dtype, by name; they belong to the caller's dispose scope.</summary>
    Dictionary<string, Tensor> Masks(Batch batch) => (batch.Masks ?? []).ToDictionary(
        mask => mask.Name, mask => HostTensors.ToTorch(mask.Data, [.. mask.Shape.Select(d => (long)d)], _dtype));

    Tensor Input(Batch batch) => _takesTokens
        ? HostTensors.Tokens(batch.X, [batch.Rows, batch.Features])
        : HostTensors.ToTorch(batch.X, [batch.Rows, batch.Features], _dtype);

    /// <summary>Whether entry <paramref name="layer"/> takes token ids: the model's input, when the model takes tokens (an embedding).</summary>
    bool TakesTokens(int layer) => _takesTokens && _layers.TakesModelInput(layer);

    /// <summary>The input RunLayer's caller gives, as the entry takes it: token ids, or values in the model's dtype.</summary>
    Tensor EntryInput(int layer, HostTensor input)
    {
        long[] shape = [.. input.Shape.Select(d => (long)d)];
        return TakesTokens(layer) ? HostTensors.Tokens(input.Data, shape) : HostTensors.ToTorch(input.Data, shape, _dtype);
    }

    /// <summary>Class indices flat, one per row, or rows × T for a sequence, as its loss takes them after view(-1).</summary>
    Tensor Target(Batch batch) => batch.Classes is { } classes
        ? tensor(classes.Select(c => (long)c).ToArray(), [classes.Length], ScalarType.Int64)
        : HostTensors.ToTorch(batch.Targets!, [batch.Rows, batch.TargetWidth], _dtype);
}
