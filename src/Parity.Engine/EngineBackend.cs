using System.Numerics;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;
using Parity.Engine.Optimizers;

namespace Parity.Engine;

/// <summary>The from-scratch engine behind the backend contract, in the model's dtype.</summary>
public static class EngineBackend
{
    public static IBackend Create(ModelDescription model, IReadOnlyList<HostTensor> initialParameters) => model.DType switch
    {
        "float32" => new EngineBackend<float>(model, initialParameters),
        "float64" => new EngineBackend<double>(model, initialParameters),
        var other => throw new ArgumentException($"the built-in engine computes in float32 or float64, not {other}"),
    };
}

/// <summary>
/// A steady-state training step allocates nothing: every buffer is kept from the step before (a new
/// one only when a batch's shape changes), and the loop over the model, the loss, clipping and the
/// optimizer use arrays, index loops and structs. A training step on a batch of small products runs
/// on several threads (<see cref="RowSplit{T}"/>); everything else — and every result the harness
/// compares layer by layer — runs on the calling thread.
/// </summary>
public sealed class EngineBackend<T> : IPhasedBackend, IOptimizerState, ILayerProbe, IForwardInto, IParametersInto, ITrainingLoss, ISplitTraining where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly ModelDescription _description;
    readonly EngineParts<T> _parts;
    // The model as training runs it, and its entries in the description's flat order.
    readonly ModelTree<T> _tree;
    readonly Sequential<T> _model;
    readonly Parameter<T>[] _parameters;
    // Parameters and buffers in state_dict order: what GetParameters and SetParameters exchange.
    readonly Parameter<T>[] _state;
    readonly Loss<T> _loss;
    readonly IOptimizer _optimizer;
    readonly ILearningRateSchedule? _schedule;
    readonly Action<IReadOnlyList<Parameter<T>>>? _clip;
    // The batch as the engine holds it: features in T, and float targets or class indices.
    Matrix<T>? _input, _targets;
    int[]? _classes;
    bool _classesLoaded;
    // ILayerProbe's copies of the input and upstream gradient it is handed.
    Matrix<T>? _probeInput, _probeGradient;
    // The largest product layer (by multiply-adds per row) and its output positions: a convolution's or a sequence's, more than one, always split.
    readonly (long MultiplyAdds, long Positions) _largestLayer;
    // The model's gradient values, which each part of a split batch holds a copy of.
    readonly long _gradientValues;
    RowSplit<T>? _split;
    bool _splitLoaded;

    public EngineBackend(ModelDescription model, IReadOnlyList<HostTensor> initialParameters, EngineParts<T>? parts = null)
    {
        _description = model;
        _parts = parts ?? EngineParts<T>.Standard;
        (_tree, _loss) = Build();
        _model = _tree.Root;
        _parameters = [.. _model.Parameters];
        _state = [.. _model.StateDict];
        // A weight [out, in, …] is a product's multiply-adds per output position: in·out per row for
        // linear, times the output's positions H′·W′ for conv2d or T for a sequence. An embedding's table is no product.
        _largestLayer = model.Parameters.Where(p => !p.Buffer && p.Shape.Length >= 2 && model.Layers[p.Layer].Kind is not ("embedding" or "position-embedding"))
            .Select(p =>
            {
                var positions = Count(model.Layers[p.Layer].OutputShape) / p.Shape[0];
                return (MultiplyAdds: Count(p.Shape) * positions, Positions: positions);
            })
            .DefaultIfEmpty((MultiplyAdds: 0L, Positions: 1L)).MaxBy(layer => layer.MultiplyAdds);
        _gradientValues = _parameters.Sum(p => (long)p.Grad.Data.Length);
        _optimizer = _parts.Optimizers[model.Optimizer.Kind](_model.Parameters, model.Optimizer);
        _schedule = model.Schedule is { } schedule ? _parts.Schedules[schedule.Kind](schedule) : null;
        // A scheduler's constructor sets the first epoch's lr (LinearLR's warm-up starts below lr).
        if (_schedule is not null)
            _optimizer.Lr = _schedule.Start(_optimizer.Lr);
        _clip = model.Clip is { } clip ? _parts.Clips[clip.Kind](clip) : null;
        SetParameters(initialParameters);
    }

    public string Name => "engine";

    public IReadOnlyList<Parameter<T>> Parameters => _model.Parameters;

    public int LoadedParts => _splitLoaded ? _split!.Active : 1;

    public long AllocatedOnOtherThreads => _split?.AllocatedOnOtherThreads ?? 0;

    public IReadOnlyList<HostTensor> GetParameters() =>
        _state.Select(p => new HostTensor(p.Name, p.Shape, p.Value.ToDoubles())).ToList();

    public void GetParametersInto(IReadOnlyList<double[]> values)
    {
        for (var i = 0; i < _state.Length; i++)
            _state[i].Value.CopyTo(values[i]);
    }

    public void SetParameters(IReadOnlyList<HostTensor> parameters)
    {
        var byName = parameters.ToDictionary(p => p.Name);
        // Every value checked before any is copied: a refused call changes nothing.
        var values = _state.Select(parameter =>
        {
            if (!byName.TryGetValue(parameter.Name, out var tensor))
                throw new ArgumentException($"no value given for parameter {parameter.Name}");
            if (!tensor.Shape.SequenceEqual(parameter.Shape))
                throw new ArgumentException($"parameter {parameter.Name} is [{string.Join(", ", parameter.Shape)}], the value given is {tensor.ShapeText}");
            return tensor;
        }).ToList();
        for (var i = 0; i < _state.Length; i++)
            _state[i].Value.CopyFrom(values[i].Data);
    }

    public IReadOnlyList<HostTensor> Forward(Batch batch)
    {
        var outputs = new List<HostTensor>();
        _model.Prepare(ForwardMode.Inspection, batch, 0, batch.Rows);
        _tree.Forward(Input(batch), _tree.Flat.Length - 1, (i, output) => outputs.Add(Host(i.ToString(), output, _description.Layers[i].OutputShape)));
        return outputs;
    }

    public void ForwardInto(Batch batch, IReadOnlyList<int> layers, IReadOnlyList<double[]> outputs)
    {
        _model.Prepare(ForwardMode.Inspection, batch, 0, batch.Rows);
        _tree.Forward(Input(batch), layers.DefaultIfEmpty(-1).Max(), (i, output) =>
        {
            for (var k = 0; k < layers.Count; k++)
                if (layers[k] == i)
                    output.CopyTo(outputs[k]);
        });
    }

    public double TrainingLoss(Batch batch)
    {
        // Inspection: training's masks and batch statistics, the running statistics left as they are.
        _model.Prepare(ForwardMode.Inspection, batch, 0, batch.Rows);
        return _loss.Forward(_model.Forward(Input(batch)), Targets(batch));
    }

    public Gradients ComputeGradients(Batch batch)
    {
        ZeroGrad();
        _model.Prepare(ForwardMode.Training, batch, 0, batch.Rows);
        var loss = _loss.Forward(_model.Forward(Input(batch)), Targets(batch));
        // Walk the entries backward by hand to record dL/d(output) of each on the way.
        var layerOutputs = new HostTensor[_tree.Flat.Length];
        var gradient = _tree.Backward(_loss.Backward(), (i, output) => layerOutputs[i] = Host(i.ToString(), output, _description.Layers[i].OutputShape));
        var parameters = _model.Parameters.Select(p => new HostTensor(p.Name, p.Shape, p.Grad.ToDoubles())).ToList();
        return new Gradients(loss, parameters, layerOutputs, Host("input", gradient, _description.InputShape));
    }

    public LayerRun RunLayer(int layer, Batch batch, HostTensor input, HostTensor outputGradient)
    {
        var description = _description.Layers[layer];
        Expect(outputGradient, "upstream gradient", batch.Rows, description.OutputShape);
        var module = _tree.Flat[layer];
        foreach (var parameter in module.Parameters)
            parameter.ZeroGrad();
        var output = ProbeForward(layer, ForwardMode.Training, batch, input);
        var gradient = Matrix<T>.Reuse(ref _probeGradient, batch.Rows, outputGradient.Count / batch.Rows);
        gradient.CopyFrom(outputGradient.Data);
        var gradInput = Host("input", module.Backward(gradient), description.InputShape);
        return new LayerRun(output, gradInput, module.Parameters.Select(p => new HostTensor(p.Name, p.Shape, p.Grad.ToDoubles())).ToList());
    }

    public HostTensor RunLayerEvaluation(int layer, Batch batch, HostTensor input) => ProbeForward(layer, ForwardMode.Evaluation, batch, input);

    /// <summary>Layer <paramref name="layer"/>'s forward alone in <paramref name="mode"/> on a copy of <paramref name="input"/>, which backward may then follow.</summary>
    HostTensor ProbeForward(int layer, ForwardMode mode, Batch batch, HostTensor input)
    {
        var description = _description.Layers[layer];
        Expect(input, "input", batch.Rows, description.InputShape);
        var module = _tree.Flat[layer];
        module.Prepare(mode, batch, 0, batch.Rows);
        var x = Matrix<T>.Reuse(ref _probeInput, batch.Rows, input.Count / batch.Rows);
        x.CopyFrom(input.Data);
        return Host("output", module.Forward(x), description.OutputShape);
    }

    static void Expect(HostTensor tensor, string what, int rows, int[] shape)
    {
        if (!tensor.Shape.SequenceEqual([rows, .. shape]))
            throw new ArgumentException($"the layer's {what} must be [{string.Join(", ", [rows, .. shape])}], the batch's rows by the layer's shape; it is {tensor.ShapeText}");
    }

    public void Step()
    {
        _clip?.Invoke(_model.Parameters);
        if (_splitLoaded)
            _split!.Step(_optimizer);
        else
            _optimizer.Step();
    }

    public double TrainStep(Batch batch)
    {
        // The batch outlives this call: a split step's parts copy their rows on their own threads.
        Load(batch, copyInNextPhase: true);
        if (_splitLoaded)
            return _split!.TrainStep(_optimizer, _clip);
        var loss = ForwardLoss();
        Backward();
        Step();
        return loss;
    }

    public void Load(Batch batch) => Load(batch, copyInNextPhase: false);

    void Load(Batch batch, bool copyInNextPhase)
    {
        // Batch statistics are over the whole batch: such a model's step is not split.
        var parts = _model.CouplesRows ? 1 : RowSplit<T>.PartsFor(batch.Rows, _largestLayer.Positions, _gradientValues, Gemm.Threads);
        _splitLoaded = parts > 1;
        if (!_splitLoaded)
        {
            _model.Prepare(ForwardMode.Training, batch, 0, batch.Rows);
            Input(batch);
            Targets(batch);
            return;
        }
        if (_split is null || !_split.Fits(parts, Gemm.Threads))
        {
            _split?.Dispose();
            _split = new RowSplit<T>(_model, _loss, Replicate, parts, Gemm.Threads, _gradientValues);
        }
        _split.Load(batch, parts, copyInNextPhase);
    }

    void IPhasedBackend.Forward() => ForwardLoss();

    double ForwardLoss()
    {
        if (_splitLoaded)
            return _split!.Forward();
        ZeroGrad();
        return _loss.Forward(_model.Forward(_input!), LoadedTargets);
    }

    public void Backward()
    {
        if (_splitLoaded)
            _split!.Backward();
        else
            _model.BackwardToParameters(_loss.Backward());
    }

    public Evaluation Evaluate(Batch batch)
    {
        _model.Prepare(ForwardMode.Evaluation, batch, 0, batch.Rows);
        var output = _model.Forward(Input(batch));
        var loss = _loss.Forward(output, Targets(batch));
        return new Evaluation(loss, output.ToDoubles(), output.Cols);
    }

    public IReadOnlyList<HostTensor> GetOptimizerState() => [.. _optimizer.State(), new HostTensor(OptimizerStateKeys.Lr, [], [_optimizer.Lr])];

    public void SetOptimizerState(IReadOnlyList<HostTensor> state)
    {
        var lr = state.FirstOrDefault(entry => entry.Name == OptimizerStateKeys.Lr);
        if (lr is not null && lr.Count != 1)
            throw new ArgumentException($"optimizer state entry {OptimizerStateKeys.Lr} must be one number, the learning rate in effect; it is {lr.ShapeText}");
        _optimizer.SetState([.. state.Where(entry => entry.Name != OptimizerStateKeys.Lr)]);
        if (lr is not null)
            _optimizer.Lr = lr.Data[0];
    }

    public void EndEpoch()
    {
        if (_schedule is not null)
            _optimizer.Lr = _schedule.NextLr(_optimizer.Lr);
    }

    public void Dispose() => _split?.Dispose();

    /// <summary>A model and loss made from the parts: the backend's own, and one more for each part of a split batch (<see cref="Replicate"/>).</summary>
    (ModelTree<T>, Loss<T>) Build() =>
        (new ModelTree<T>(_description.Layers, layer => _parts.Layers[layer.Kind](layer), (layer, layers) => _parts.Blocks[layer.Kind](layers)), _parts.Losses[_description.Loss.Kind](_description.Loss));

    (Sequential<T>, Loss<T>) Replicate()
    {
        var (tree, loss) = Build();
        return (tree.Root, loss);
    }

    void ZeroGrad()
    {
        foreach (var parameter in _parameters)
            parameter.ZeroGrad();
    }

    /// <summary>A matrix [rows, features] as the tensor [rows, …shape] PyTorch holds: the engine keeps each sample's values in PyTorch's order (NCHW), so only the shape changes.</summary>
    static HostTensor Host(string name, Matrix<T> matrix, int[] shape) => new(name, [matrix.Rows, .. shape], matrix.ToDoubles());

    static long Count(int[] shape) => shape.Aggregate(1L, (n, d) => n * d);

    Matrix<T> Input(Batch batch)
    {
        // The phases run on what this call loads now.
        _splitLoaded = false;
        var input = Matrix<T>.Reuse(ref _input, batch.Rows, batch.Features);
        input.CopyFrom(batch.X);
        return input;
    }

    LossTargets<T> Targets(Batch batch)
    {
        if (batch.Classes is not null)
        {
            // A copy: the engine holds its batch, whatever the caller does to the array afterwards.
            // rows·T indices for a sequence's targets
            if (_classes?.Length != batch.Classes.Length)
                _classes = new int[batch.Classes.Length];
            batch.Classes.CopyTo(_classes, 0);
            _classesLoaded = true;
            return LoadedTargets;
        }
        Matrix<T>.Reuse(ref _targets, batch.Rows, batch.TargetWidth).CopyFrom(batch.Targets);
        _classesLoaded = false;
        return LoadedTargets;
    }

    LossTargets<T> LoadedTargets => _classesLoaded ? new(null, _classes) : new(_targets, null);
}
