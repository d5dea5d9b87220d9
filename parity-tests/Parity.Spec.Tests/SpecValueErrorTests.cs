namespace Parity.Spec.Tests;

/// <summary>One key with a wrong, missing, misspelt or out-of-range value; each changes one line of <see cref="SpecText"/>.</summary>
public class SpecValueErrorTests
{
    [Theory]
    [InlineData("optimiser: {sgd: {lr: 0.1}}", "unknown key 'optimiser' in the spec; did you mean 'optimizer'? (valid: name, description,", 8, 1)]
    [InlineData("optimizer: {sgd: {lr: 0.1, momentun: 0.9}}", "unknown key 'momentun' in 'optimizer.sgd'; did you mean 'momentum'?", 6, 28)]
    [InlineData("train: {epochs: 1, batch: 5, shufle: false}", "unknown key 'shufle' in 'train'; did you mean 'shuffle'?", 7, 30)]
    [InlineData("data: {train: 10}", "'data' needs the key 'source'", 3, 7)]
    [InlineData("optimizer: {sgd: {momentum: 0.9}}", "'optimizer.sgd' needs the key 'lr'", 6, 18)]
    [InlineData("data: {source: disk}", "'data' needs 'train', the number of samples to generate", 3, 7)]
    public void Unknown_and_missing_keys(string overrides, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(overrides), problem, line, column);

    [Theory]
    [InlineData("name")]
    [InlineData("seed")]
    [InlineData("data")]
    [InlineData("model")]
    [InlineData("loss")]
    [InlineData("optimizer")]
    [InlineData("train")]
    public void A_required_top_level_key_is_missing(string key) =>
        SpecText.AssertError(SpecText.Without(key), $"the spec needs the key '{key}'", 1, 1);

    [Theory]
    [InlineData("seed: [1]", "'seed' must be a single value, not a list", 2, 7)]
    [InlineData("seed: one", "'seed' must be a whole number, not 'one'", 2, 7)]
    [InlineData("seed: 1.5", "'seed' must be a whole number, not '1.5'", 2, 7)]
    [InlineData("optimizer: {sgd: {lr: [0.1]}}", "'optimizer.sgd.lr' must be a single value, not a list", 6, 23)]
    [InlineData("optimizer: {sgd: {lr: fast}}", "'optimizer.sgd.lr' must be a finite number, not 'fast'", 6, 23)]
    [InlineData("optimizer: {sgd: {lr: .nan}}", "'optimizer.sgd.lr' must be a finite number, not '.nan'", 6, 23)]
    [InlineData("optimizer: {sgd: {lr: .inf}}", "'optimizer.sgd.lr' must be a finite number, not '.inf'", 6, 23)]
    [InlineData("optimizer: {sgd: {lr: 1e999}}", "'optimizer.sgd.lr' must be a finite number, not '1e999'", 6, 23)]
    [InlineData("train: {epochs: 1, batch: 5, shuffle: maybe}", "'train.shuffle' must be true or false, not 'maybe'", 7, 39)]
    [InlineData("loss: [bce]", "'loss' must be a mapping with keys kind, reduction, beta, delta", 5, 7)]
    public void Wrong_types(string overrides, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(overrides), problem, line, column);

    [Theory]
    [InlineData("optimizer: {sgd: {lr: -0.1}}", "'optimizer.sgd.lr' is -0.1; it must be > 0 and <= 1000000", 6, 23)]
    [InlineData("optimizer: {sgd: {lr: 0.1, dampening: 1.5}}", "'optimizer.sgd.dampening' is 1.5; it must be >= 0 and <= 1", 6, 39)]
    [InlineData("data: {source: disk, train: 10, validation: 0.95}", "'data.validation' is 0.95; it must be >= 0 and <= 0.9", 3, 45)]
    [InlineData("data: {source: disk, train: 0}", "'data.train' is 0; it must be >= 1 and <= 10000000", 3, 29)]
    [InlineData("train: {epochs: 0, batch: 5}", "'train.epochs' is 0; it must be >= 1 and <= 1000000", 7, 17)]
    [InlineData("schedule: {exponential: {gamma: 0}}", "'schedule.exponential.gamma' is 0; it must be > 0 and <= 1", 8, 33)]
    [InlineData("model: [linear: 4, {leaky-relu: {slope: 2}}, linear: 1, sigmoid]", "'model[1].leaky-relu.slope' is 2; it must be >= 0 and <= 1", 4, 41)]
    [InlineData("init: {normal: {std: 0}}", "'init.normal.std' is 0; it must be > 0 and <= 1000000", 8, 22)]
    [InlineData("init: {uniform: {low: 1, high: -1}}", "'init.uniform.high' (-1) must be greater than low (1)", 8, 32)]
    [InlineData("data: {source: fashion-mnist, classes: [3]}", "'data.classes' needs at least two classes", 3, 40)]
    [InlineData("model: [linear: 65536, linear: 65536, linear: 1, sigmoid]", "'model[1]': its weight [65536, 65536] has 4294967296 values; the limit is 100000000 per layer", 4, 24)]
    [InlineData("bench: {max_ratio: 0}", "'bench.max_ratio' is 0; it must be > 0 and <= 1000", 8, 20)]
    [InlineData("bench: {max_alloc_bytes: -1}", "'bench.max_alloc_bytes' is -1; it must be >= 0", 8, 26)]
    public void Values_out_of_range(string overrides, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(overrides), problem, line, column);

    [Theory]
    [InlineData("name: Probe", "'name' is 'Probe'; use lower-case letters, digits and '-' only", 1, 7)]
    [InlineData("model: [linear: 4, reul, linear: 1, sigmoid]", "'model[1]' cannot be 'reul'; did you mean 'relu'? (valid: identity, relu, leaky-relu, tanh, sigmoid, softmax, log-softmax, gelu, elu, silu, softplus, conv2d, max-pool2d, avg-pool2d, flatten, unflatten, dropout, batch-norm1d, batch-norm2d, embedding, position-embedding, layer-norm, causal-self-attention, linear, residual)", 4, 20)]
    [InlineData("model: [linear, relu, linear: 1, sigmoid]", "'model[0]': linear needs its output size, e.g. 'linear: 25'", 4, 9)]
    [InlineData("model: [linear: 4, relu: 2, linear: 1, sigmoid]", "'model[1]': relu takes no settings; write '- relu'", 4, 26)]
    [InlineData("model: [relu]", "'model' has no linear layer, so nothing to train", 4, 8)]
    [InlineData("init: kaiming-unifrom", "'init' cannot be 'kaiming-unifrom'; did you mean 'kaiming-uniform'?", 8, 7)]
    [InlineData("init: normal", "'init': normal needs its settings, e.g. init: {normal: {std: 0.1}}", 8, 7)]
    [InlineData("loss: cross-entropie", "'loss' cannot be 'cross-entropie'; did you mean 'cross-entropy'?", 5, 7)]
    [InlineData("loss: {kind: bce, reduction: average}", "'loss.reduction' cannot be 'average'; valid: mean, sum", 5, 30)]
    [InlineData("loss: {kind: bce, beta: 0.5}", "unknown key 'beta' in 'loss'; valid: kind, reduction", 5, 19)]
    [InlineData("data: {source: quadratic, train: 10}\nmodel: [linear: 1]\nloss: {kind: huber, delta: 0}", "'loss.delta' is 0; it must be > 0", 5, 28)]
    [InlineData("data: {source: quadratic, train: 10}\nmodel: [linear: 1]\nloss: {kind: smooth-l1, beta: -1}", "'loss.beta' is -1; it must be >= 0", 5, 31)]
    [InlineData("data: {source: mnist, train: 10}", "'data.source' cannot be 'mnist'; valid: disk, xor, quadratic, fashion-mnist, csv", 3, 16)]
    [InlineData("optimizer: {sgd: {lr: 0.1, nesterov: true}}", "Nesterov momentum requires a momentum > 0 and zero dampening", 6, 38)]
    [InlineData("clip: {norm: 1, value: 0.5}", "'clip' takes exactly one of 'norm' (global 2-norm) or 'value' (elementwise)", 8, 7)]
    [InlineData("data: {source: disk, train: 10, classes: [0, 6]}", "'data.classes' applies to source fashion-mnist only; remove it", 3, 42)]
    [InlineData("data: {source: disk, train: 10, path: d.csv}", "'data.path' applies to source csv and text only; remove it", 3, 39)]
    [InlineData("data: {source: csv, path: \"a\\0b\", target: y}", "'data.path' holds a NUL character", 3, 27)]
    [InlineData("bench: {max_ratios: 0.5}", "unknown key 'max_ratios' in 'bench'; did you mean 'max_ratio'?", 8, 9)]
    [InlineData("bench: {}", "'bench' needs a target: max_ratio (engine over TorchSharp per training step, e.g. 0.5) or max_alloc_bytes (per engine step, e.g. 0)", 8, 8)]
    [InlineData("bench: {max_alloc_bytes: 0.5}", "'bench.max_alloc_bytes' must be a whole number, not '0.5'", 8, 26)]
    public void Bad_names_words_and_settings(string overrides, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(overrides), problem, line, column);

    /// <summary>A layer that does not fit the shape reaching it is named with its index, and the message says what to write.</summary>
    [Theory]
    [InlineData("model: [unflatten: [1, 2, 1], conv2d: {out: 2, kernel: 3}, flatten, linear: 1, sigmoid]", "'model[1]' (conv2d): the kernel spans 3 along the height but the input [1, 2, 1] has 2; use a smaller kernel or dilation, or more padding", 4, 31)]
    [InlineData("model: [unflatten: [1, 3], linear: 1, sigmoid]", "'model[0]' (unflatten): unflatten to [1, 3] makes 3 features, but its input is [2]; give sizes whose product is 2", 4, 9)]
    [InlineData("model: [conv2d: {out: 2, kernel: 1}, linear: 1, sigmoid]", "'model[0]' (conv2d): conv2d takes images [C, H, W], but its input is [2]; add '- unflatten: [C, H, W]' before it, e.g. [1, 28, 28] for 784 features", 4, 9)]
    [InlineData("model: [linear: 4, batch-norm2d, linear: 1, sigmoid]", "'model[1]' (batch-norm2d): batch-norm2d takes images [C, H, W], but its input is [4]; use batch-norm1d on features", 4, 20)]
    [InlineData("model: [unflatten: [2, 1, 1], batch-norm1d, flatten, linear: 1, sigmoid]", "'model[1]' (batch-norm1d): batch-norm1d takes features [C] or [C, L], but its input is [2, 1, 1]; use batch-norm2d on images [C, H, W]", 4, 31)]
    [InlineData("model: [linear: 4, {dropout: {p: 1}}, linear: 1, sigmoid]", "'model[1].dropout.p' is 1; it must be >= 0 and <= 0.99", 4, 34)]
    [InlineData("model: [linear: 4, {batch-norm1d: {eps: 0}}, linear: 1, sigmoid]", "'model[1].batch-norm1d.eps' is 0; it must be > 0", 4, 41)]
    [InlineData("model: [unflatten: [2, 1, 1], linear: 1, sigmoid]", "'model[1]' (linear): linear takes flat features or a sequence [T, C], but its input is [2, 1, 1]; add '- flatten' before it", 4, 31)]
    [InlineData("model: [unflatten: [2, 1, 1], softmax, flatten, linear: 1, sigmoid]", "'model[1]' (softmax): softmax runs over the features of flat rows, but its input is [2, 1, 1]; add '- flatten' before it", 4, 31)]
    [InlineData("model: [unflatten: [1, 2, 1], max-pool2d: {kernel: 1, padding: 1}, flatten, linear: 1, sigmoid]", "'model[1]' (max-pool2d): padding 1 is more than half the kernel's height 1, which PyTorch refuses; use padding <= 0", 4, 31)]
    [InlineData("model: [unflatten: [1, 2, 1], conv2d: {kernel: 1}, flatten, linear: 1, sigmoid]", "'model[1]': conv2d needs 'out', e.g. '- conv2d: {out: 3, kernel: 3}'", 4, 39)]
    [InlineData("model: [unflatten: [1, 2, 1], avg-pool2d: {kernel: [1, 1, 1]}, flatten, linear: 1, sigmoid]", "'model[1].avg-pool2d.kernel' must be one whole number or a pair [height, width], e.g. 3 or [3, 3]", 4, 52)]
    [InlineData("model: [unflatten: 2, linear: 1, sigmoid]", "'model[0].unflatten' must be a list of sizes such as [1, 28, 28]", 4, 20)]
    public void Layers_that_do_not_fit_their_input(string overrides, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(overrides), problem, line, column);

    /// <summary>Text echoed from the file stays one printable line: a line break or a terminal escape would split or colour the message.</summary>
    [Theory]
    [InlineData("name: \"two\\nlines\"", "'name' is 'two\\nlines'; use lower-case", 1, 7)]
    [InlineData("\"lo\\tss\": bce", "unknown key 'lo\\tss' in the spec", 8, 1)]
    [InlineData("data: {source: \"\\e[31mdisk\", train: 10}", "'data.source' cannot be '\\u001B[31mdisk'", 3, 16)]
    public void Echoed_values_are_escaped_onto_one_line(string overrides, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(overrides), problem, line, column);

    [Fact]
    public void A_name_is_at_most_100_characters_as_it_names_a_folder()
    {
        Assert.Equal(100, SpecText.ParseWith($"name: {new string('a', 100)}").Name.Length);
        SpecText.AssertError(SpecText.With($"name: {new string('a', 101)}"), "'name' is 101 characters long; keep it to 100 (it names the report folder, and with its parents must fit a path)", 1, 7);
    }

    [Fact]
    public void A_long_value_is_echoed_cut_short()
    {
        var error = Assert.Throws<SpecException>(() => SpecText.ParseWith($"seed: {new string('9', 100_000)}"));
        Assert.Equal($"'seed' must be a whole number, not '{new string('9', 40)}…' (100000 characters)", error.Problem);
    }
}
