using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parity.Protocol;

/// <summary>
/// An engine in another process, in any language, as an <see cref="IBackend"/>: each call is one
/// request of protocol version 1 (docs/protocol.md), and every tensor that comes
/// back is checked — its name, shape and dtype — before the harness sees it. Floating tensors cross
/// in the model's dtype, class indices and token ids as int64.
/// </summary>
public sealed class ProcessBackend : IBackend, IEngineTiming, IOptimizerState, ILayerProbe
{
    public const int ProtocolVersion = 1;

    // Adam with amsgrad keeps the most per parameter: exp_avg, exp_avg_sq, max_exp_avg_sq and step.
    const int StateTensorsPerParameter = 4;

    readonly EngineProcess _process;
    readonly ProtocolChannel _channel;
    readonly ModelDescription _model;
    bool _timesPhases = true;

    /// <summary>
    /// Starts the engine, shakes hands and has it build <paramref name="model"/> from <paramref name="initialParameters"/>; its stderr is passed on to <paramref name="log"/>
    /// under <paramref name="turns"/> (see <see cref="EngineProcess.Start"/>). A response line may be as long as its tensors need, or <paramref name="maxLineBytes"/> when given.
    /// </summary>
    public ProcessBackend(string command, ModelDescription model, IReadOnlyList<HostTensor> initialParameters, TimeSpan timeout, TextWriter log, object turns, long? maxLineBytes = null)
    {
        _model = model;
        _process = EngineProcess.Start(command, timeout, log, turns);
        _channel = new ProtocolChannel(_process, maxLineBytes);
        try
        {
            Hello();
            Expect(_channel.Call("build", new JsonObject { ["model"] = ModelDescriptionJson.Of(model) }, Parameters(initialParameters)), []);
        }
        catch
        {
            _process.Dispose();
            throw;
        }
    }

    /// <summary>The name the engine gave itself in the handshake.</summary>
    public string Name => _process.Name;

    public int ProcessId => _process.Id;

    public IReadOnlyList<HostTensor> GetParameters()
    {
        var shapes = ParameterShapes().ToList();
        var values = Expect(_channel.Call("get_parameters", replyBytes: Bytes(shapes)), shapes);
        return _model.Parameters.Select(p => new HostTensor(p.Name, p.Shape, values[p.Name])).ToList();
    }

    public void SetParameters(IReadOnlyList<HostTensor> parameters) =>
        Expect(_channel.Call("set_parameters", tensors: Parameters(parameters)), []);

    public IReadOnlyList<HostTensor> Forward(Batch batch)
    {
        var shapes = _model.Layers.Select(layer => (Name: layer.Index.ToString(), Shape: BatchTensors.Rows(batch, layer.OutputShape))).ToList();
        var values = Expect(_channel.Call("forward", tensors: [BatchTensors.X(_model, batch), .. BatchTensors.Masks(_model, batch)], replyBytes: Bytes(shapes)), shapes);
        return shapes.Select(s => new HostTensor(s.Name, s.Shape, values[s.Name])).ToList();
    }

    public Gradients ComputeGradients(Batch batch)
    {
        var layers = _model.Layers.Select(layer => (Name: $"output.{layer.Index}", Shape: BatchTensors.Rows(batch, layer.OutputShape))).ToList();
        var input = (Name: "input", Shape: BatchTensors.Rows(batch, _model.InputShape));
        // Gradients of the parameters alone: a buffer has none.
        var trained = _model.Parameters.Where(p => !p.Buffer).ToList();
        var expected = trained.Select(p => (p.Name, p.Shape)).Concat(layers).Append(input).ToList();
        var reply = _channel.Call("gradients", tensors: Examples(batch), replyBytes: Bytes(expected));
        var values = Expect(reply, expected);
        return new Gradients(
            Number(reply, "loss"),
            trained.Select(p => new HostTensor(p.Name, p.Shape, values[p.Name])).ToList(),
            layers.Select((l, i) => new HostTensor(_model.Layers[i].Index.ToString(), l.Shape, values[l.Name])).ToList(),
            new HostTensor(input.Name, input.Shape, values[input.Name]));
    }

    public void Step() => Expect(_channel.Call("step"), []);

    public double TrainStep(Batch batch)
    {
        var reply = _channel.Call("train_step", tensors: Examples(batch));
        Expect(reply, []);
        return Number(reply, "loss");
    }

    public Evaluation Evaluate(Batch batch)
    {
        var width = _model.Layers[^1].OutputShape.Aggregate(1, (product, n) => product * n);
        List<(string Name, int[] Shape)> expected = [("output", [batch.Rows, width])];
        var reply = _channel.Call("evaluate", tensors: Examples(batch), replyBytes: Bytes(expected));
        var values = Expect(reply, expected);
        return new Evaluation(Number(reply, "loss"), values["output"], width);
    }

    public void EndEpoch() => Expect(_channel.Call("end_epoch"), []);

    /// <summary>
    /// The optional <c>get_optimizer_state</c>: every entry the engine keeps, in the model's dtype (<c>step</c> too, as a
    /// number); none for an engine that answers <c>not-implemented</c>, which keeps its state to itself, so checks compare the parameters alone.
    /// </summary>
    public IReadOnlyList<HostTensor> GetOptimizerState()
    {
        if (_channel.TryCall("get_optimizer_state", replyBytes: StateTensorsPerParameter * Bytes(ParameterShapes())) is not { } reply)
            return [];
        var shapes = StateShapes(reply);
        var values = Expect(reply, shapes);
        return shapes.Select(s => new HostTensor(s.Name, s.Shape, values[s.Name])).ToList();
    }

    /// <summary>
    /// The optional <c>set_optimizer_state</c>: the state sent as tensors, by name. An engine that answers
    /// <c>not-implemented</c> cannot be teacher-forced: a <see cref="NotSupportedException"/> that says so.
    /// </summary>
    public void SetOptimizerState(IReadOnlyList<HostTensor> state)
    {
        var reply = _channel.TryCall("set_optimizer_state", tensors: Parameters(state))
            ?? throw new NotSupportedException($"{Name} answered not-implemented to 'set_optimizer_state': teacher forcing sets the engine to the reference's optimizer state before every step, "
                + "and needs the optional get_optimizer_state and set_optimizer_state requests (see Parity's docs/protocol.md)");
        Expect(reply, []);
    }

    /// <summary>
    /// The optional <c>run_layer</c>: params <c>{"layer": INDEX}</c>, tensors <c>x</c> (the layer's input),
    /// <c>grad_output</c> (the upstream gradient) and the batch's dropout masks; the reply's tensors are
    /// <c>output</c>, <c>grad_input</c> and the gradient of each of the layer's parameters by name — for a
    /// residual block, of every parameter of the layers it wraps. An engine
    /// that answers <c>not-implemented</c> cannot be re-synced: a <see cref="NotSupportedException"/> that says so.
    /// </summary>
    public LayerRun RunLayer(int layer, Batch batch, HostTensor input, HostTensor outputGradient)
    {
        var description = _model.Layers[layer];
        // A residual block runs its span's layers: the entries right before it.
        var parameters = _model.Parameters.Where(p => !p.Buffer && p.Layer >= layer - description.Span && p.Layer <= layer).ToList();
        var output = (Name: "output", Shape: BatchTensors.Rows(batch, description.OutputShape));
        var gradInput = (Name: "grad_input", Shape: BatchTensors.Rows(batch, description.InputShape));
        var expected = parameters.Select(p => (p.Name, p.Shape)).Append(output).Append(gradInput).ToList();
        var reply = _channel.TryCall("run_layer", new JsonObject { ["layer"] = layer },
            [LayerInput(layer, batch, input),
             SafetensorsTensor.Float("grad_output", BatchTensors.Rows(batch, description.OutputShape), outputGradient.Data, _model.IsFloat32), .. BatchTensors.Masks(_model, batch)], Bytes(expected))
            ?? throw new NotSupportedException($"{Name} answered not-implemented to 'run_layer': re-sync and the backward linearity check run one layer "
                + "on a given input and upstream gradient, and need the optional run_layer request (see Parity's docs/protocol.md)");
        var values = Expect(reply, expected);
        return new LayerRun(
            new HostTensor("output", output.Shape, values[output.Name]),
            new HostTensor("input", gradInput.Shape, values[gradInput.Name]),
            parameters.Select(p => new HostTensor(p.Name, p.Shape, values[p.Name])).ToList());
    }

    /// <summary>
    /// The same request in evaluation mode: params <c>{"layer": INDEX, "training": false}</c>, the one tensor
    /// <c>x</c>; the reply's one tensor is <c>output</c>, the layer's eval-mode forward, with no buffer moved.
    /// </summary>
    public HostTensor RunLayerEvaluation(int layer, Batch batch, HostTensor input)
    {
        var description = _model.Layers[layer];
        var shape = BatchTensors.Rows(batch, description.OutputShape);
        var reply = _channel.TryCall("run_layer", new JsonObject { ["layer"] = layer, ["training"] = false },
            [LayerInput(layer, batch, input)], Bytes([("output", shape)]))
            ?? throw new NotSupportedException($"{Name} answered not-implemented to 'run_layer' with \"training\": false: re-sync runs each layer's evaluation forward "
                + "alone too, and needs run_layer in evaluation mode (see Parity's docs/protocol.md)");
        return new HostTensor("output", shape, Expect(reply, [("output", shape)])["output"]);
    }

    /// <summary>The names an optimizer state may have: a parameter's name and a key (<c>0.weight.exp_avg</c>, shaped as the parameter, or a per-parameter scalar such as <c>0.weight.step</c>, []), or <c>lr</c> ([]).</summary>
    List<(string Name, int[] Shape)> StateShapes(EngineReply reply) => reply.Tensors.Keys.Select(name =>
    {
        if (name == OptimizerStateKeys.Lr)
            return (name, Array.Empty<int>());
        var parameter = _model.Parameters.FirstOrDefault(p => name.StartsWith(p.Name + ".", StringComparison.Ordinal))
            ?? throw _process.Fault(reply.Request, $"the response has tensor '{name}', which names no parameter: state entries are PARAMETER.KEY (0.weight.exp_avg) or lr");
        return (name, OptimizerStateKeys.IsScalar(name[(parameter.Name.Length + 1)..]) ? [] : parameter.Shape);
    }).ToList();

    /// <summary>The engine's own timing of each phase (<c>time_phases</c>); null once it answers that it cannot.</summary>
    public PhaseSeconds? TimePhases(Batch batch, int repetitions)
    {
        if (!_timesPhases)
            return null;
        var reply = _channel.TryCall("time_phases", new JsonObject { ["repetitions"] = repetitions }, Examples(batch));
        if (reply is null)
        {
            _timesPhases = false;
            return null;
        }
        Expect(reply, []);
        return new PhaseSeconds(Seconds(reply, "forward", repetitions), Seconds(reply, "backward", repetitions), Seconds(reply, "step", repetitions));
    }

    /// <summary>Asks the engine to shut down, then stops its process (see <see cref="EngineProcess.Dispose"/>).</summary>
    public void Dispose()
    {
        _channel.Shutdown();
        _process.Dispose();
    }

    void Hello()
    {
        var reply = _channel.Call("hello", new JsonObject { ["protocol"] = ProtocolVersion });
        if (!reply.Result.TryGetProperty("protocol", out var protocol) || protocol.ValueKind != JsonValueKind.Number || !protocol.TryGetInt32(out var version))
            throw _process.Fault(reply.Request, $"the result {EngineProcess.Quote(reply.Result.GetRawText())} has no \"protocol\" number");
        if (version != ProtocolVersion)
            throw _process.Fault(reply.Request, $"the engine speaks protocol version {version}; this Parity speaks version {ProtocolVersion}");
        if (!reply.Result.TryGetProperty("engine", out var engine) || engine.ValueKind != JsonValueKind.String
            || engine.GetString() is not { Length: > 0 } name || name.Any(char.IsControl))
            throw _process.Fault(reply.Request, $"the result {EngineProcess.Quote(reply.Result.GetRawText())} has no \"engine\" name (a string on one line)");
        _process.Name = name;
        if (reply.Result.TryGetProperty("covers", out var covers))
            RefuseWhatIsNotCovered(reply.Request, covers);
    }

    /// <summary>
    /// The optional <c>"covers"</c> of <c>hello</c>: the kinds the engine has, by category (<c>{"layers": [...], "losses": [...],
    /// "optimizers": [...], "schedules": [...], "clips": [...]}</c>, a category left out not declared). A model with a part the
    /// engine does not cover stops before <c>build</c>, every such part named, rather than failing mid-run.
    /// </summary>
    void RefuseWhatIsNotCovered(string request, JsonElement covers)
    {
        var parts = new (string Category, string Word, IEnumerable<(string Kind, string Where)> Used)[]
        {
            ("layers", "layer", _model.Layers.Select(l => (l.Kind, $" (layer {l.Index})"))),
            ("losses", "loss", [(_model.Loss.Kind, "")]),
            ("optimizers", "optimizer", [(_model.Optimizer.Kind, "")]),
            ("schedules", "schedule", _model.Schedule is { } schedule ? [(schedule.Kind, "")] : []),
            ("clips", "clip", _model.Clip is { } clip ? [(clip.Kind, "")] : []),
        };
        if (covers.ValueKind != JsonValueKind.Object)
            throw _process.Fault(request, $"its \"covers\" is {covers.ValueKind}, not an object of kind lists ({string.Join(", ", parts.Select(p => p.Category))})");
        var missing = new List<string>();
        foreach (var (category, word, used) in parts)
        {
            if (!covers.TryGetProperty(category, out var kinds))
                continue;
            if (kinds.ValueKind != JsonValueKind.Array || kinds.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String))
                throw _process.Fault(request, $"its \"covers\".{category} is not a list of kinds (strings)");
            var has = kinds.EnumerateArray().Select(k => k.GetString()!).ToHashSet();
            var absent = used.Where(u => !has.Contains(u.Kind)).Select(u => $"'{u.Kind}'{u.Where}").ToList();
            if (absent.Count > 0)
                missing.Add($"{word} {string.Join(", ", absent)} (it covers {(has.Count > 0 ? string.Join(", ", has.Order()) : "none")})");
        }
        if (missing.Count > 0)
            throw _process.Fault(request, $"the engine does not support {string.Join("; ", missing)}, as its handshake declares: "
                + "give it a spec within what it covers, or add what is missing to the engine");
    }

    IEnumerable<(string Name, int[] Shape)> ParameterShapes() => _model.Parameters.Select(p => (p.Name, p.Shape));

    /// <summary>The bytes of data the tensors take in the model's dtype: the most a response carrying them needs, before base64.</summary>
    long Bytes(IEnumerable<(string Name, int[] Shape)> tensors) =>
        tensors.Sum(t => t.Shape.Aggregate(1L, (count, n) => count * n)) * (_model.IsFloat32 ? sizeof(float) : sizeof(double));

    List<SafetensorsTensor> Parameters(IReadOnlyList<HostTensor> parameters) =>
        parameters.Select(p => SafetensorsTensor.Float(p.Name, p.Shape, p.Data, _model.IsFloat32)).ToList();

    /// <summary>A layer's input <c>x</c> for run_layer: token ids when the layer (or the block it closes) starts the model and the model takes tokens.</summary>
    SafetensorsTensor LayerInput(int layer, Batch batch, HostTensor input) =>
        BatchTensors.Input(_model, BatchTensors.Rows(batch, _model.Layers[layer].InputShape), input.Data, _model.TakesTokens && layer - _model.Layers[layer].Span == 0);

    List<SafetensorsTensor> Examples(Batch batch) => BatchTensors.Of(_model, batch, "classes");

    /// <summary>The reply's tensors, exactly the expected names, each in the expected shape and the model's dtype.</summary>
    Dictionary<string, double[]> Expect(EngineReply reply, IReadOnlyCollection<(string Name, int[] Shape)> expected)
    {
        var dtype = _model.IsFloat32 ? SafetensorsDType.F32 : SafetensorsDType.F64;
        var sent = reply.Tensors;
        var missing = expected.Select(e => e.Name).Where(name => !sent.ContainsKey(name)).ToList();
        var unasked = sent.Keys.Where(name => !expected.Any(e => e.Name == name)).ToList();
        if (missing.Count > 0)
            throw _process.Fault(reply.Request, $"the response has no tensor {Names(missing)}"
                + (unasked.Count > 0 ? $"; it sent {Names(unasked)} instead, which the request does not ask for" : ""));
        if (unasked.Count > 0)
            throw _process.Fault(reply.Request, $"the response has tensor {Names(unasked)}, which the request does not ask for; Parity expects {Names(expected.Select(e => e.Name))}");
        foreach (var (name, shape) in expected)
        {
            var tensor = sent[name];
            if (tensor.DType != dtype)
                throw _process.Fault(reply.Request, $"tensor '{name}' is {tensor.DType}, expected {dtype}: the model is {_model.DType}, and floating tensors cross in the model's dtype");
            if (!tensor.Shape.SequenceEqual(shape))
                throw _process.Fault(reply.Request, $"tensor '{name}' has shape {tensor.ShapeText}, expected [{string.Join(", ", shape)}]");
        }
        return expected.ToDictionary(e => e.Name, e => sent[e.Name].Floats!);
    }

    static string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Select(n => $"'{n}'")) : "none";

    /// <summary>A number of the result; JSON has no NaN or infinity, so the strings "NaN", "Infinity" and "-Infinity" stand for them.</summary>
    double Number(EngineReply reply, string key) => reply.Result.TryGetProperty(key, out var value) && Value(value) is { } number
        ? number
        : throw _process.Fault(reply.Request, $"the result {EngineProcess.Quote(reply.Result.GetRawText())} has no \"{key}\" number");

    static double? Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => null,
        },
        _ => null,
    };

    double[] Seconds(EngineReply reply, string phase, int repetitions)
    {
        var seconds = reply.Result.TryGetProperty(phase, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : -1).ToArray()
            : [];
        if (seconds.Length != repetitions || seconds.Any(s => !(s >= 0) || double.IsInfinity(s)))
            throw _process.Fault(reply.Request, $"\"{phase}\" must be {repetitions} times in seconds, one per repetition; the result is {EngineProcess.Quote(reply.Result.GetRawText())}");
        return seconds;
    }
}
