using Parity.Contract;

namespace CSharpEngine;

/// <summary>
/// A small engine written from scratch — linear layers, ReLU, tanh, sigmoid, MSE, BCE, cross-entropy,
/// SGD with momentum, dampening, weight decay and Nesterov, gradient clipping, step and exponential
/// schedules — checked by Parity against PyTorch's own computation, each layer also alone (ILayerProbe):
/// <c>parity check SPEC --engine bin/Release/net10.0/CSharpEngine.dll</c>.
/// It computes in double; a float32 model stores every value rounded to float32.
/// </summary>
public sealed class ExampleEngine : IBackend, ILayerProbe
{
    /// <summary>
    /// Plants one realistic bug when set to <c>bias-grad-mean</c>: each linear layer divides its bias
    /// gradient by the batch size, though the loss's mean already has. Read when the engine is built.
    /// </summary>
    public const string BugVariable = "PARITY_EXAMPLE_BUG";

    readonly Precision _precision;
    readonly Layer[] _layers;
    readonly Parameter[] _parameters;
    readonly Loss _loss;
    readonly Sgd _sgd;
    readonly Action<IReadOnlyList<Parameter>>? _clip;
    readonly Func<double, int, double> _schedule;
    int _epochs;

    public ExampleEngine(ModelDescription model, IReadOnlyList<HostTensor> initialParameters)
    {
        var biasGradientMean = Environment.GetEnvironmentVariable(BugVariable) switch
        {
            null or "" => false,
            "bias-grad-mean" => true,
            var other => throw new ArgumentException($"{BugVariable}={other}: the one bug this example plants is bias-grad-mean"),
        };
        _precision = new Precision(model.DType switch
        {
            "float32" => true,
            "float64" => false,
            var other => throw new NotSupportedException($"the C# example computes in float32 or float64, not {other}"),
        });
        _layers = [.. model.Layers.Select(layer => layer.Kind switch
        {
            "linear" => (Layer)new Linear(layer.Index, layer.Integer("in_features"), layer.Integer("out_features"), layer.Flag("bias", true), biasGradientMean),
            "relu" => Activation.Relu(),
            "tanh" => Activation.Tanh(),
            "sigmoid" => Activation.Sigmoid(),
            var other => throw new NotSupportedException($"the C# example has no layer '{other}'"),
        })];
        _parameters = [.. _layers.SelectMany(layer => layer.Parameters)];
        var mean = model.Loss.Word("reduction", "mean") == "mean";
        _loss = model.Loss.Kind switch
        {
            "mse" => (Loss)ElementwiseLoss.Mse(mean),
            "bce" => ElementwiseLoss.Bce(mean),
            "cross-entropy" => new CrossEntropyLoss(mean),
            var other => throw new NotSupportedException($"the C# example has no loss '{other}'"),
        };
        _sgd = model.Optimizer.Kind == "sgd" ? new Sgd(_parameters, model.Optimizer, _precision)
            : throw new NotSupportedException($"the C# example has no optimizer '{model.Optimizer.Kind}'");
        _clip = model.Clip is { } clip ? Clipping.For(clip) : null;
        _schedule = Schedule.For(model.Schedule);
        SetParameters(initialParameters);
    }

    public string Name => "C# example";

    public IReadOnlyList<HostTensor> GetParameters() => [.. _parameters.Select(p => new HostTensor(p.Name, p.Shape, [.. p.Value]))];

    public void SetParameters(IReadOnlyList<HostTensor> parameters)
    {
        var byName = parameters.ToDictionary(p => p.Name);
        // Every value checked before any is copied, so that a refused call changes nothing.
        var values = _parameters.Select(p => byName.TryGetValue(p.Name, out var value) && value.Shape.SequenceEqual(p.Shape)
            ? value
            : throw new ArgumentException($"parameter {p.Name} [{string.Join(", ", p.Shape)}] needs a value of that shape")).ToList();
        for (var k = 0; k < _parameters.Length; k++)
            values[k].Data.CopyTo(_parameters[k].Value, 0);
    }

    public IReadOnlyList<HostTensor> Forward(Batch batch)
    {
        var outputs = new List<HostTensor>();
        var x = batch.X;
        for (var i = 0; i < _layers.Length; i++)
        {
            x = _precision.Round(_layers[i].Forward(x, batch.Rows));
            outputs.Add(new HostTensor(i.ToString(), [batch.Rows, x.Length / batch.Rows], x));
        }
        return outputs;
    }

    public Gradients ComputeGradients(Batch batch)
    {
        foreach (var p in _parameters)
            Array.Clear(p.Grad);
        var outputs = Forward(batch);
        var last = outputs[^1];
        var loss = _precision.Round(_loss.Forward(last.Data, batch.Rows, last.Shape[1], batch));
        var gradient = _precision.Round(_loss.Backward());
        var reaching = new HostTensor[_layers.Length];
        for (var i = _layers.Length - 1; i >= 0; i--)
        {
            reaching[i] = new HostTensor(i.ToString(), outputs[i].Shape, gradient);
            gradient = _precision.Round(_layers[i].Backward(gradient, batch.Rows));
        }
        foreach (var p in _parameters)
            _precision.Round(p.Grad);
        return new Gradients(loss, [.. _parameters.Select(p => new HostTensor(p.Name, p.Shape, [.. p.Grad]))], reaching,
            new HostTensor("input", [batch.Rows, batch.Features], gradient));
    }

    /// <summary>One layer on the input and upstream gradient Parity gives, its gradients from zero, stored values rounded as in a training step.</summary>
    public LayerRun RunLayer(int layer, Batch batch, HostTensor input, HostTensor outputGradient)
    {
        var owner = _layers[layer];
        foreach (var p in owner.Parameters)
            Array.Clear(p.Grad);
        var output = _precision.Round(owner.Forward([.. input.Data], batch.Rows));
        var gradInput = _precision.Round(owner.Backward([.. outputGradient.Data], batch.Rows));
        foreach (var p in owner.Parameters)
            _precision.Round(p.Grad);
        return new LayerRun(new HostTensor("output", outputGradient.Shape, output), new HostTensor("input", input.Shape, gradInput),
            [.. owner.Parameters.Select(p => new HostTensor(p.Name, p.Shape, [.. p.Grad]))]);
    }

    /// <summary>The example's layers compute the same in evaluation as in training, so one layer's evaluation is its forward alone.</summary>
    public HostTensor RunLayerEvaluation(int layer, Batch batch, HostTensor input)
    {
        var output = _precision.Round(_layers[layer].Forward([.. input.Data], batch.Rows));
        return new HostTensor("output", [batch.Rows, output.Length / batch.Rows], output);
    }

    public void Step()
    {
        _clip?.Invoke(_parameters);
        _sgd.Step();
    }

    public double TrainStep(Batch batch)
    {
        var loss = ComputeGradients(batch).Loss;
        Step();
        return loss;
    }

    public Evaluation Evaluate(Batch batch)
    {
        var output = Forward(batch)[^1];
        return new Evaluation(_precision.Round(_loss.Forward(output.Data, batch.Rows, output.Shape[1], batch)), output.Data, output.Shape[1]);
    }

    public void EndEpoch() => _sgd.Lr = _schedule(_sgd.Lr, ++_epochs);

    public void Dispose()
    {
    }
}
