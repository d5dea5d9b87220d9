using System.Text;
using System.Text.RegularExpressions;
using Parity.Spec.Data;
using Parity.Spec.Yaml;

namespace Parity.Spec;

/// <summary>
/// Loads spec files into validated <see cref="ParitySpec"/>s. Validation is strict: an unknown key,
/// a wrong type, a value out of range or an impossible combination is one <see cref="SpecException"/>
/// naming file, line and column.
/// </summary>
public static partial class SpecLoader
{
    static readonly string[] TopKeys =
        ["name", "description", "seed", "dtype", "data", "model", "init", "loss", "targets", "optimizer", "schedule", "clip", "train", "tolerance", "expect", "grid", "bench"];

    /// <summary>One spec file, or every <c>*.yaml</c> / <c>*.yml</c> in a folder, in name order.</summary>
    public static IReadOnlyList<ParitySpec> LoadAll(string specOrFolder)
    {
        if (Directory.Exists(specOrFolder))
        {
            var files = Directory.EnumerateFiles(specOrFolder)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
                throw new InputException($"{specOrFolder}: no spec files (*.yaml) in this folder; pass a spec file or a folder of them");
            var specs = files.Select(Load).ToList();
            var clash = specs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
            if (clash is not null)
                throw new InputException($"{clash.Last().SourcePath}: the name '{clash.Key}' is also used by {clash.First().SourcePath}; names must be unique, they name the report folders");
            return specs;
        }
        return [Load(specOrFolder)];
    }

    public static ParitySpec Load(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"{path}: no such spec file; pass the path of a .yaml spec or of a folder of them");
        if (InputFile.Problem(path, "spec", InputFile.SpecBytes) is { } problem)
            throw new InputException($"{path} {problem}");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot be read ({e.Message})");
        }
        var spec = Parse(Decode(bytes, path), path);
        MemoryEstimate.Of(spec).Check(path, MaxMemory.Bytes);
        return spec;
    }

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, without a byte-order mark; a byte that is not UTF-8 is reported at its line and column.</summary>
    static string Decode(byte[] bytes, string path)
    {
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            var at = start + e.Index;
            var before = bytes.AsSpan(start, at - start);
            var lineStart = before.LastIndexOf((byte)'\n') + 1;
            var mark = new SourceMark(path, before.Count((byte)'\n') + 1, StrictUtf8.GetCharCount(before[lineStart..]) + 1);
            throw new SpecException(mark, $"byte 0x{bytes[at]:X2} is not UTF-8 text; save the file as UTF-8");
        }
    }

    public static ParitySpec Parse(string text, string path)
    {
        var root = new MappingReader(YamlTree.Parse(text, path), "", TopKeys);

        var nameNode = root.Required("name");
        var name = Scalars.Text(nameNode, "name");
        if (!NamePattern().IsMatch(name))
            throw new SpecException(nameNode.Mark, $"'name' is {Scalars.Quote(name)}; use lower-case letters, digits and '-' only (it names the report folder)");
        if (name.Length > MaxNameLength)
            throw new SpecException(nameNode.Mark, $"'name' is {name.Length} characters long; keep it to {MaxNameLength} (it names the report folder, and with its parents must fit a path)");

        var dtype = root.Optional("dtype") is { } dtypeNode
            ? Scalars.Choice(dtypeNode, "dtype", new Dictionary<string, DType> { ["float64"] = DType.Float64, ["float32"] = DType.Float32 })
            : DType.Float64;

        var (data, shape) = ReadData(root.Required("data"), path);
        var model = ReadModel(root.Required("model"), shape, Keyword(data.Source));
        var loss = ReadLoss(root.Required("loss"));
        var oneHot = root.Optional("targets") is { } targetsNode
            && Scalars.Choice(targetsNode, "targets", new Dictionary<string, bool> { ["one-hot"] = true, ["indices"] = false });

        var optimizer = ReadOptimizer(root.Required("optimizer"));
        var spec = new ParitySpec(
            Name: name,
            Description: root.Text("description") ?? "",
            Seed: Scalars.Integer(root.Required("seed"), "seed", 0, long.MaxValue),
            DType: dtype,
            Data: data,
            Shape: shape,
            Model: model,
            Init: root.Optional("init") is { } initNode ? ReadInit(initNode, path) : new InitSpec(InitKind.TorchDefault),
            Loss: loss,
            OneHotTargets: oneHot,
            Optimizer: optimizer,
            Schedule: root.Optional("schedule") is { } scheduleNode ? ReadSchedule(scheduleNode) : null,
            Clip: root.Optional("clip") is { } clipNode ? ReadClip(clipNode) : null,
            Train: ReadTraining(root.Required("train")),
            Tolerance: root.Optional("tolerance") is { } toleranceNode ? ReadTolerance(toleranceNode) : new ToleranceSpec(null, null),
            Expect: root.Optional("expect") is { } expectNode ? ReadExpect(expectNode) : ExpectSpec.None,
            Grid: root.Optional("grid") is { } gridNode ? ReadGrid(gridNode, optimizer, data) : null,
            Bench: root.Optional("bench") is { } benchNode ? ReadBench(benchNode) : null,
            SourcePath: path);

        SpecCombinations.Check(spec, root);
        return spec;
    }

    static (DataSpec Data, DataShape Shape) ReadData(SpecNode node, string specPath)
    {
        var data = new MappingReader(node, "data", ["source", "train", "test", "validation", "classes", "path", "target", "length", "digits", "block"]);
        var sourceNode = data.Required("source");
        var source = Scalars.Choice(sourceNode, "data.source", new Dictionary<string, DataSource>
        {
            ["disk"] = DataSource.Disk, ["xor"] = DataSource.Xor, ["quadratic"] = DataSource.Quadratic,
            ["fashion-mnist"] = DataSource.FashionMnist, ["csv"] = DataSource.Csv, ["sort"] = DataSource.Sort, ["text"] = DataSource.Text,
        });
        // Drawn samples, as many as the spec asks for; fashion-mnist and csv have their own rows.
        var generated = source is DataSource.Disk or DataSource.Xor or DataSource.Quadratic or DataSource.Sort or DataSource.Text;
        if (generated && !data.Has("train"))
            throw new SpecException(data.Mark, $"'data' needs 'train', the number of samples to generate");

        foreach (var (key, allowedFor) in new (string, DataSource[])[]
        {
            ("classes", [DataSource.FashionMnist]), ("path", [DataSource.Csv, DataSource.Text]), ("target", [DataSource.Csv]),
            ("length", [DataSource.Sort]), ("digits", [DataSource.Sort]), ("block", [DataSource.Text]),
        })
            if (data.Optional(key) is { } extra && !allowedFor.Contains(source))
                throw new SpecException(extra.Mark, $"'data.{key}' applies to source {string.Join(" and ", allowedFor.Select(Keyword))} only; remove it");

        IReadOnlyList<int>? classes = null;
        if (data.Optional("classes") is { } classesNode)
        {
            var items = classesNode as SequenceNode
                ?? throw new SpecException(classesNode.Mark, "'data.classes' must be a list of class numbers such as [0, 6]");
            classes = items.Items.Select((c, i) => (int)Scalars.Integer(c, $"data.classes[{i}]", 0, 9)).ToList();
            if (classes.Count < 2)
                throw new SpecException(classesNode.Mark, "'data.classes' needs at least two classes");
            if (classes.Distinct().Count() != classes.Count)
                throw new SpecException(classesNode.Mark, "'data.classes' lists a class twice; each class once");
        }

        string? filePath = null;
        if (source == DataSource.Csv)
        {
            var pathNode = data.Required("path");
            filePath = ReadDataPath(pathNode, specPath);
            if (InputFile.Problem(filePath, "CSV table", InputFile.TableBytes) is { } problem)
                throw new SpecException(pathNode.Mark, $"'data.path': {filePath} {problem}");
            data.Required("target");
        }
        else if (source == DataSource.Text)
            filePath = data.Optional("path") is { } pathNode ? ReadDataPath(pathNode, specPath) : TextSource.DefaultPath;

        var spec = new DataSpec(
            source,
            Train: (int)data.Integer("train", int.MaxValue, 1, 10_000_000),
            Test: (int)data.Integer("test", generated ? 1000 : source == DataSource.Csv ? 0 : int.MaxValue, 0, 10_000_000),
            Validation: data.Number("validation", 0, 0, 0.9),
            Classes: classes,
            Path: filePath,
            Target: data.Text("target"));
        if (source == DataSource.Sort)
            spec = ReadSort(data, spec);
        else if (source == DataSource.Text)
            spec = ReadText(data, spec);
        // A csv's shape is read from the file; a missing target column is reported at 'target'.
        return (spec, DataShapes.Of(spec, data.Optional("target")?.Mark ?? data.Mark));
    }

    /// <summary>A data file's full path, relative to the spec's folder so that a spec and its data move together; it must exist.</summary>
    static string ReadDataPath(SpecNode pathNode, string specPath)
    {
        var text = Scalars.Text(pathNode, "data.path");
        if (text.Contains('\0'))
            throw new SpecException(pathNode.Mark, "'data.path' holds a NUL character; write the file's path");
        var full = System.IO.Path.GetFullPath(text, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(specPath))!);
        if (!File.Exists(full))
            throw new SpecException(pathNode.Mark, $"'data.path': no file at {full}; the path is relative to the spec file");
        return full;
    }

    /// <summary>sort's length and digits: enough distinct inputs that a quarter of them can be held out for test.</summary>
    static DataSpec ReadSort(MappingReader data, DataSpec spec)
    {
        var length = (int)Scalars.Integer(data.Required("length"), "data.length", 2, 1000);
        var digitsNode = data.Required("digits");
        var digits = (int)Scalars.Integer(digitsNode, "data.digits", 2, 100_000);
        var sequences = SortSource.Sequences(length, digits);
        if (sequences < SortSource.MinSequences)
            throw new SpecException(digitsNode.Mark, $"sort with length {length} and digits {digits} has only {sequences} distinct inputs, and a quarter of them are held out for test; raise length or digits to make at least {SortSource.MinSequences}");
        return spec with { Length = length, Digits = digits };
    }

    /// <summary>text's block: each part of the file (90 % train, 10 % test) must hold a window of block + 1 characters.</summary>
    static DataSpec ReadText(MappingReader data, DataSpec spec)
    {
        var blockNode = data.Required("block");
        var block = (int)Scalars.Integer(blockNode, "data.block", 1, 100_000);
        var tokens = TextSource.Of(spec.Path!);
        var shortest = Math.Min(tokens.TestStart, tokens.Ids.Length - tokens.TestStart);
        if (shortest <= block)
            throw new SpecException(blockNode.Mark, $"'data.block' {block} needs block + 1 characters in each part of {spec.Path}, but its test part (the last 10 %) has {tokens.Ids.Length - tokens.TestStart}; lower block to {Math.Max(shortest - 1, 1)} or give a longer file");
        return spec with { Block = block };
    }

    /// <summary>800 MB of float64 weights; far beyond it a layer's weight overflows the int that sizes its array.</summary>
    const long MaxWeightsPerLayer = 100_000_000;

    /// <summary>
    /// The model's layers as one flat list in post-order — a residual block right after its layers — each
    /// with its flat index and its PyTorch path, every shape checked at the layer's place. Token data goes
    /// into an embedding first, and only there.
    /// </summary>
    static IReadOnlyList<LayerSpec> ReadModel(SpecNode node, DataShape data, string sourceKeyword)
    {
        var list = node as SequenceNode
            ?? throw new SpecException(node.Mark, "'model' must be a list of layers such as '- linear: 25' and '- relu'");
        var layers = new List<LayerSpec>();
        int[] shape = [data.Features];
        ReadLayers(list, "model", "", data, sourceKeyword, layers, ref shape);
        if (!layers.OfType<LinearLayer>().Any())
            throw new SpecException(node.Mark, "'model' has no linear layer, so nothing to train; add one such as '- linear: 1'");
        if (data.IsSequence && layers[0] is not OpLayer { Op.Vocabulary: not null })
            throw new SpecException(list.Items[0].Mark, $"data source {sourceKeyword} gives token ids, which only an embedding takes; start the model with '- embedding: {{vocab: {data.Vocabulary}, dim: 48}}'");
        return layers;
    }

    /// <summary>
    /// The layers of one list (the model's, or a residual block's, whose path is <paramref name="parent"/>),
    /// appended to <paramref name="layers"/> in post-order; <paramref name="shape"/> goes from the list's input
    /// to its output.
    /// </summary>
    static void ReadLayers(SequenceNode list, string listPath, string parent, DataShape data, string sourceKeyword, List<LayerSpec> layers, ref int[] shape)
    {
        for (var position = 0; position < list.Items.Count; position++)
        {
            var path = $"{listPath}[{position}]";
            var modulePath = $"{parent}{position}";
            var (word, settings) = Scalars.WordWithSettings(list.Items[position], path);
            var index = layers.Count;
            if (word.Value == ResidualLayer.Keyword)
            {
                var block = settings is SequenceNode { Items.Count: > 0 } inner ? inner
                    : throw new SpecException((settings ?? word).Mark, $"'{path}': residual needs a list of the layers it wraps, e.g. 'residual: [layer-norm, {{linear: 16}}]'");
                var input = shape;
                ReadLayers(block, $"{path}.residual", $"{modulePath}.", data, sourceKeyword, layers, ref shape);
                if (!shape.SequenceEqual(input))
                    throw new SpecException(word.Mark, $"'{path}' (residual): its layers turn its input {LayerShapes.Text(input)} into {LayerShapes.Text(shape)}, and it adds the two; end its layers with one that gives {LayerShapes.Text(input)}, e.g. 'linear: {input[^1]}'");
                layers.Add(new ResidualLayer(layers.Count, layers.Count - index, word.Mark) { Path = modulePath });
                shape = input;
                continue;
            }
            LayerSpec layer;
            if (word.Value == "linear")
            {
                if (settings is null)
                    throw new SpecException(word.Mark, $"'{path}': linear needs its output size, e.g. 'linear: 25'");
                var (outFeatures, bias) = settings is ScalarNode
                    ? ((int)Scalars.Integer(settings, $"{path}.linear", 1, 1_000_000), true)
                    : ReadLinearSettings(new MappingReader(settings, $"{path}.linear", ["out", "bias"]));
                // On a sequence [T, C] nn.Linear takes the last dimension; an image is refused by the shape rule.
                var inFeatures = shape.Length == 2 ? shape[^1] : LayerShapes.Count(shape);
                layer = new LinearLayer(index, inFeatures, outFeatures, bias, word.Mark) { Path = modulePath };
            }
            else
            {
                var op = LayerOps.Find(word.Value)
                    ?? throw new SpecException(word.Mark, $"'{path}' cannot be {Scalars.Quote(word.Value)}; {ClosestWord.Hint(word.Value, [.. LayerOps.Keywords, "linear", ResidualLayer.Keyword])}");
                layer = new OpLayer(index, op, ReadSettings(op, settings, word, path), word.Mark) { Path = modulePath };
                if (op.Vocabulary is { } vocabulary)
                    CheckTokens(layer, vocabulary(((OpLayer)layer).Settings), data, sourceKeyword, word, path);
            }
            int[] next;
            try
            {
                next = LayerShapes.Next(layer, shape);
            }
            catch (ShapeException e)
            {
                throw new SpecException(word.Mark, $"'{path}' ({word.Value}): {e.Message}");
            }
            if (LayerShapes.Owned(layer, shape).FirstOrDefault(t => t.Count > MaxWeightsPerLayer) is { } huge)
                throw new SpecException(word.Mark, $"'{path}': its {huge.Name} {LayerShapes.Text(huge.Shape)} has {huge.Count} values; the limit is {MaxWeightsPerLayer} per layer");
            layers.Add(layer);
            shape = next;
        }
    }

    /// <summary>An op that takes token ids (embedding) must be the model's first layer, on token data, with room for all of the data's tokens.</summary>
    static void CheckTokens(LayerSpec layer, int vocabulary, DataShape data, string sourceKeyword, ScalarNode word, string path)
    {
        if (data.Vocabulary is not { } tokens)
            throw new SpecException(word.Mark, $"'{path}' ({word.Value}) takes token ids, but data source {sourceKeyword} gives features; use data source sort or text, or remove it");
        if (layer.Index != 0)
            throw new SpecException(word.Mark, $"'{path}' ({word.Value}) takes token ids, the model's input; make it the model's first layer");
        if (vocabulary < tokens)
            throw new SpecException(word.Mark, $"'{path}' ({word.Value}): its vocab {vocabulary} is smaller than the {tokens} distinct tokens of data source {sourceKeyword}; use vocab: {tokens}");
    }

    /// <summary>
    /// The op's options from its settings — a mapping, or the bare value its shorthand stands for — each
    /// checked against the catalogue's form and range; defaults for the rest.
    /// </summary>
    static OpSettings ReadSettings(LayerOp op, SpecNode? settings, ScalarNode word, string path)
    {
        if (op.Options.Count == 0)
            return settings is null ? OpSettings.None
                : throw new SpecException(settings.Mark, $"'{path}': {word.Value} takes no settings; write '- {word.Value}'");
        var given = new System.Text.Json.Nodes.JsonObject();
        if (settings is not null and not MappingNode && op.Shorthand is { } shorthand)
        {
            var option = op.Options.Single(o => o.SpecKey == shorthand);
            given[option.Name] = option.Read(settings, $"{path}.{word.Value}");
        }
        else if (settings is not null)
        {
            var reader = new MappingReader(settings, $"{path}.{word.Value}", op.Options.Select(o => o.SpecKey).ToArray());
            foreach (var option in op.Options)
                if (reader.Optional(option.SpecKey) is { } node)
                    given[option.Name] = option.Read(node, reader.PathOf(option.SpecKey));
        }
        if (op.Options.FirstOrDefault(o => o.Default is null && o.DefaultFrom is null && given[o.Name] is null) is { } missing)
            throw new SpecException((settings ?? word).Mark, $"'{path}': {word.Value} needs '{missing.SpecKey}', e.g. {Example(op)}");
        return op.Settle(given);
    }

    /// <summary>How the spec writes the op with its required options, from its first example.</summary>
    static string Example(LayerOp op)
    {
        var given = op.Examples[0].Given;
        if (op.Shorthand is { } shorthand && op.Options.Single(o => o.SpecKey == shorthand) is var primary && given[primary.Name] is { } value)
            return $"'- {op.Keyword}: {value.ToJsonString().Replace(",", ", ")}'";
        var required = op.Options.Where(o => o.Default is null && o.DefaultFrom is null && given[o.Name] is not null)
            .Select(o => $"{o.SpecKey}: {(given[o.Name] is System.Text.Json.Nodes.JsonArray pair && o.Form == OptionForm.Pair ? pair[0]!.ToJsonString() : given[o.Name]!.ToJsonString())}");
        return $"'- {op.Keyword}: {{{string.Join(", ", required)}}}'";
    }

    /// <summary>A loss's options from its mapping (null: none given), each checked against its form and range; defaults for the rest.</summary>
    static OpSettings ReadOptions(IReadOnlyList<OpOption> options, MappingReader? reader)
    {
        var values = new System.Text.Json.Nodes.JsonObject();
        foreach (var option in options)
            values[option.Name] = reader?.Optional(option.SpecKey) is { } node ? option.Read(node, reader.PathOf(option.SpecKey)) : option.Default!.DeepClone();
        return options.Count == 0 ? OpSettings.None : new OpSettings(values);
    }

    static (int Out, bool Bias) ReadLinearSettings(MappingReader linear) =>
        ((int)Scalars.Integer(linear.Required("out"), linear.PathOf("out"), 1, 1_000_000), linear.Boolean("bias", true));

    static InitSpec ReadInit(SpecNode node, string specPath)
    {
        var (word, settings) = Scalars.WordWithSettings(node, "init");
        var kind = Scalars.Choice(word, "init", new Dictionary<string, InitKind>
        {
            ["torch-default"] = InitKind.TorchDefault, ["xavier-uniform"] = InitKind.XavierUniform, ["xavier-normal"] = InitKind.XavierNormal,
            ["kaiming-uniform"] = InitKind.KaimingUniform, ["kaiming-normal"] = InitKind.KaimingNormal,
            ["normal"] = InitKind.Normal, ["uniform"] = InitKind.Uniform, ["torch"] = InitKind.Torch, ["from"] = InitKind.From,
        });
        switch (kind)
        {
            case InitKind.Normal:
            {
                var normal = new MappingReader(settings ?? throw NeedsSettings(word, "{normal: {std: 0.1}}"), "init.normal", ["std"]);
                return new InitSpec(kind, Std: Scalars.Number(normal.Required("std"), "init.normal.std", 0, 1e6, exclusiveMin: true));
            }
            case InitKind.Uniform:
            {
                var uniform = new MappingReader(settings ?? throw NeedsSettings(word, "{uniform: {low: -1, high: 1}}"), "init.uniform", ["low", "high"]);
                var low = Scalars.Number(uniform.Required("low"), "init.uniform.low", -1e6, 1e6);
                var highNode = uniform.Required("high");
                var high = Scalars.Number(highNode, "init.uniform.high", -1e6, 1e6);
                if (high <= low)
                    throw new SpecException(highNode.Mark, $"'init.uniform.high' ({high}) must be greater than low ({low})");
                return new InitSpec(kind, Low: low, High: high);
            }
            case InitKind.From:
            {
                var file = Scalars.Text(settings ?? throw NeedsSettings(word, "{from: model.pt}"), "init.from");
                // Relative to the spec, as the spec's other files are, so that a spec and its weights move together.
                var full = System.IO.Path.GetFullPath(file, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(specPath))!);
                if (!File.Exists(full))
                    throw new SpecException(settings.Mark, $"'init.from': no such file {Scalars.Quote(file)} (looked for {full}); give the path of a torch.save state_dict (.pt) or a .safetensors file, relative to the spec's folder");
                if (InputFile.Problem(full, "state_dict file", InputFile.WeightsBytes) is { } problem)
                    throw new SpecException(settings.Mark, $"'init.from': {full} {problem}");
                return new InitSpec(kind, Path: full);
            }
            default:
                if (settings is not null)
                    throw new SpecException(settings.Mark, $"'init': {word.Value} takes no settings; write 'init: {word.Value}'");
                return new InitSpec(kind);
        }
    }

    static SpecException NeedsSettings(ScalarNode word, string example) =>
        new(word.Mark, $"'init': {word.Value} needs its settings, e.g. init: {example}");

    static readonly Dictionary<string, LossKind> Losses = LossOps.All.ToDictionary(op => op.Keyword, op => op.Kind);

    static readonly string[] LossOptionKeys = [.. LossOps.All.SelectMany(op => op.Options.Select(o => o.SpecKey)).Distinct()];

    /// <summary><c>loss: mse</c>, or <c>loss: {kind: smooth-l1, reduction: sum, beta: 0.5}</c> with the kind's own options beside the reduction.</summary>
    static LossSpec ReadLoss(SpecNode node)
    {
        if (node is ScalarNode)
        {
            var kind = Scalars.Choice(node, "loss", Losses);
            return new LossSpec(kind, Reduction.Mean, ReadOptions(LossOps.Of(kind).Options, null));
        }
        var any = new MappingReader(node, "loss", ["kind", "reduction", .. LossOptionKeys]);
        var op = LossOps.Of(Scalars.Choice(any.Required("kind"), "loss.kind", Losses));
        // Read again with this kind's keys only: another loss's option is refused by name.
        var loss = new MappingReader(node, "loss", ["kind", "reduction", .. op.Options.Select(o => o.SpecKey)]);
        return new LossSpec(
            op.Kind,
            loss.Optional("reduction") is { } reduction
                ? Scalars.Choice(reduction, "loss.reduction", new Dictionary<string, Reduction> { ["mean"] = Reduction.Mean, ["sum"] = Reduction.Sum })
                : Reduction.Mean,
            ReadOptions(op.Options, loss));
    }

    static readonly string[] OptimizerKinds = [.. OptimizerOps.All.Select(op => op.Keyword)];

    static OptimizerSpec ReadOptimizer(SpecNode node)
    {
        var optimizer = new MappingReader(node, "optimizer", OptimizerKinds);
        var kinds = OptimizerKinds.Where(optimizer.Has).ToList();
        if (kinds.Count != 1)
            throw new SpecException(node.Mark, $"'optimizer' takes exactly one of {string.Join(", ", OptimizerKinds)}, e.g. {{adam: {{lr: 0.001}}}}");
        return ReadOptimizerOptions(OptimizerOps.Of(kinds[0]), optimizer.Required(kinds[0]), $"optimizer.{kinds[0]}", defaults: null);
    }

    /// <summary>
    /// An optimizer's options, each checked against the catalogue's form and range, torch.optim's defaults for the rest;
    /// a grid entry leaves out what it takes from <paramref name="defaults"/>, the spec's optimizer.
    /// </summary>
    static OptimizerSpec ReadOptimizerOptions(OptimizerOp op, SpecNode node, string path, OptimizerSpec? defaults)
    {
        var reader = new MappingReader(node, path, op.Options.Select(o => o.SpecKey).ToArray());
        var given = defaults?.Settings.ToJson() ?? [];
        foreach (var option in op.Options)
            if (reader.Optional(option.SpecKey) is { } value)
                given[option.Name] = option.Read(value, reader.PathOf(option.SpecKey));
        if (op.Options.FirstOrDefault(o => o.Default is null && given[o.Name] is null) is { } missing)
            throw new SpecException(node.Mark, $"{Scalars.Quote(path)} needs the key '{missing.SpecKey}'");
        var spec = op.With(given);
        if (op.Refuses(spec.Settings) is var (refused, problem))
            throw new SpecException((reader.Optional(refused) ?? node).Mark, problem);
        return spec;
    }

    static GridSpec ReadGrid(SpecNode node, OptimizerSpec optimizer, DataSpec data)
    {
        var grid = new MappingReader(node, "grid", ["select", "sgd"]);
        if (optimizer.Keyword != "sgd")
            throw new SpecException(node.Mark, "'grid.sgd' varies SGD's settings; the spec's optimizer must then be 'optimizer: {sgd: {...}}'");
        var select = grid.Optional("select") is { } selectNode
            ? Scalars.Choice(selectNode, "grid.select", new Dictionary<string, GridSelection>
            {
                ["validation_accuracy"] = GridSelection.ValidationAccuracy, ["validation_loss"] = GridSelection.ValidationLoss,
            })
            : GridSelection.ValidationAccuracy;
        var entries = grid.Required("sgd") as SequenceNode
            ?? throw new SpecException(grid.Required("sgd").Mark, "'grid.sgd' must be a list of optimizer settings such as '- {lr: 0.01, momentum: 0.9}'");
        if (entries.Items.Count < 2)
            throw new SpecException(entries.Mark, "'grid.sgd' needs at least two settings to choose between");
        if (data.Validation == 0)
            throw new SpecException(grid.Mark, "a grid picks its best setting on held-out data; set 'data.validation' (e.g. 0.1)");
        return new GridSpec(select, entries.Items.Select((item, i) => ReadOptimizerOptions(optimizer.Op, item, $"grid.sgd[{i}]", optimizer)).ToList());
    }

    static readonly Dictionary<string, ScheduleKind> ScheduleKinds = new()
    {
        ["exponential"] = ScheduleKind.Exponential, ["step"] = ScheduleKind.Step, ["cosine"] = ScheduleKind.Cosine,
    };

    /// <summary>One of exponential, step or cosine, a warm-up, or a warm-up and then one of them.</summary>
    static ScheduleSpec ReadSchedule(SpecNode node)
    {
        if (node is ScalarNode word)
            throw new SpecException(word.Mark, $"'schedule': {Scalars.Shown(word.Value)} needs its settings, e.g. {{exponential: {{gamma: 0.999}}}}, {{step: {{size: 100, gamma: 0.5}}}} or {{cosine: {{t_max: 50}}}}");
        var schedule = new MappingReader(node, "schedule", [.. ScheduleKinds.Keys, "warmup"]);
        var kinds = ScheduleKinds.Keys.Where(schedule.Has).ToList();
        if (kinds.Count > 1 || (kinds.Count == 0 && !schedule.Has("warmup")))
            throw new SpecException(node.Mark, "'schedule' takes one of exponential, step, cosine, optionally after a 'warmup: {epochs: 5, start_factor: 0.1}'");
        var warmup = schedule.Optional("warmup") is { } warmupNode ? ReadWarmup(warmupNode) : null;
        if (kinds.Count == 0)
            return new ScheduleSpec(ScheduleKind.Constant, Warmup: warmup);
        var (kind, path) = (ScheduleKinds[kinds[0]], $"schedule.{kinds[0]}");
        var settings = new MappingReader(schedule.Required(kinds[0]), path, kind switch
        {
            ScheduleKind.Step => ["size", "gamma"],
            ScheduleKind.Cosine => ["t_max", "eta_min"],
            _ => ["gamma"],
        });
        return kind == ScheduleKind.Cosine
            ? new ScheduleSpec(kind, TMax: (int)Scalars.Integer(settings.Required("t_max"), $"{path}.t_max", 1, 1_000_000), EtaMin: settings.Number("eta_min", 0, 0, 1e6), Warmup: warmup)
            : new ScheduleSpec(
                kind,
                Gamma: Scalars.Number(settings.Required("gamma"), $"{path}.gamma", 0, 1, exclusiveMin: true),
                StepSize: kind == ScheduleKind.Step ? (int)Scalars.Integer(settings.Required("size"), $"{path}.size", 1, 1_000_000) : 1,
                Warmup: warmup);
    }

    static WarmupSpec ReadWarmup(SpecNode node)
    {
        var warmup = new MappingReader(node, "schedule.warmup", ["epochs", "start_factor"]);
        return new WarmupSpec(
            (int)Scalars.Integer(warmup.Required("epochs"), "schedule.warmup.epochs", 1, 1_000_000),
            Scalars.Number(warmup.Required("start_factor"), "schedule.warmup.start_factor", 0, 1, exclusiveMin: true));
    }

    static ClipSpec ReadClip(SpecNode node)
    {
        var clip = new MappingReader(node, "clip", [.. ClipOps.All.Select(op => op.Keyword)]);
        if (ClipOps.All.Where(op => clip.Has(op.Keyword)).ToList() is not [var op])
            throw new SpecException(clip.Mark, "'clip' takes exactly one of 'norm' (global 2-norm) or 'value' (elementwise)");
        return new ClipSpec(op.Kind, Scalars.Number(clip.Required(op.Keyword), $"clip.{op.Keyword}", 0, 1e12, exclusiveMin: true));
    }

    static TrainingSpec ReadTraining(SpecNode node)
    {
        var train = new MappingReader(node, "train", ["epochs", "batch", "shuffle"]);
        return new TrainingSpec(
            Epochs: (int)Scalars.Integer(train.Required("epochs"), "train.epochs", 1, 1_000_000),
            Batch: (int)Scalars.Integer(train.Required("batch"), "train.batch", 1, 10_000_000),
            Shuffle: train.Boolean("shuffle", true));
    }

    static ToleranceSpec ReadTolerance(SpecNode node)
    {
        var tolerance = new MappingReader(node, "tolerance", ["gradient", "gradcheck"]);
        Tolerance? gradient = null;
        if (tolerance.Optional("gradient") is { } gradientNode)
        {
            var g = new MappingReader(gradientNode, "tolerance.gradient", ["atol", "rtol"]);
            gradient = new Tolerance(g.Number("atol", 0, 0, 1), g.Number("rtol", 0, 0, 1));
        }
        GradcheckTolerance? gradcheck = null;
        if (tolerance.Optional("gradcheck") is { } gradcheckNode)
        {
            var g = new MappingReader(gradcheckNode, "tolerance.gradcheck", ["eps", "atol", "rtol"]);
            gradcheck = new GradcheckTolerance(g.Number("eps", 1e-6, 0, 1, exclusiveMin: true), g.Number("atol", 1e-5, 0, 1), g.Number("rtol", 1e-3, 0, 1));
        }
        return new ToleranceSpec(gradient, gradcheck);
    }

    static ExpectSpec ReadExpect(SpecNode node)
    {
        var expect = new MappingReader(node, "expect", ["test_accuracy", "test_loss", "train_loss", "reported"]);
        return new ExpectSpec(
            TestAccuracy: expect.Has("test_accuracy") ? expect.Number("test_accuracy", 0, 0, 1) : null,
            TestLoss: expect.Has("test_loss") ? expect.Number("test_loss", 0, 0) : null,
            TrainLoss: expect.Has("train_loss") ? expect.Number("train_loss", 0, 0) : null,
            Reported: expect.Text("reported"));
    }

    static BenchSpec ReadBench(SpecNode node)
    {
        var bench = new MappingReader(node, "bench", ["max_ratio", "max_alloc_bytes"]);
        if (!bench.Has("max_ratio") && !bench.Has("max_alloc_bytes"))
            throw new SpecException(bench.Mark, "'bench' needs a target: max_ratio (engine over TorchSharp per training step, e.g. 0.5) or max_alloc_bytes (per engine step, e.g. 0)");
        return new BenchSpec(
            MaxRatio: bench.Optional("max_ratio") is { } ratio ? Scalars.Number(ratio, "bench.max_ratio", 0, 1000, exclusiveMin: true) : null,
            MaxAllocBytes: bench.Optional("max_alloc_bytes") is { } bytes ? Scalars.Integer(bytes, "bench.max_alloc_bytes", 0, long.MaxValue) : null);
    }

    internal static string Keyword(DataSource source) => source switch
    {
        DataSource.FashionMnist => "fashion-mnist",
        _ => source.ToString().ToLowerInvariant(),
    };

    /// <summary>A name is a folder's name: room under the file system's 255 bytes for what Parity adds (-shrunk, examples/…/).</summary>
    public const int MaxNameLength = 100;

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex NamePattern();
}
