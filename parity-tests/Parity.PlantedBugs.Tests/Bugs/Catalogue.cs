using Parity.Engine;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Where a bug is planted: the layers (by index in the spec's model) whose module it replaces, or the
/// part of the training step it replaces — "loss", "optimizer", "clip" or "schedule".
/// </summary>
public sealed record Planted(string Part, params int[] Layers)
{
    public static readonly Planted Loss = new("loss"), Optimizer = new("optimizer"), Clip = new("clip"), Schedule = new("schedule");
}

/// <summary>
/// A deliberately broken engine: the spec that exposes it, where it is planted, the engine with the one
/// part swapped, and what one line of its diagnosis must say — fragments separated by "…", in this order.
/// </summary>
public sealed record PlantedBug(string Name, string Spec, Planted Planted, EngineParts<double> Parts, string Diagnosis)
{
    public bool IsDiagnosedBy(string line)
    {
        var at = 0;
        foreach (var fragment in Diagnosis.Split('…'))
        {
            at = line.IndexOf(fragment, at, StringComparison.Ordinal);
            if (at < 0)
                return false;
            at += fragment.Length;
        }
        return true;
    }
}

/// <summary>
/// The planted bugs, each a realistic mistake in hand-written backpropagation or SGD. Every spec is a
/// small float64 variant of one base spec, changed only where the bug needs it to show.
/// </summary>
public static class Catalogue
{
    static readonly EngineParts<double> Standard = EngineParts<double>.Standard;

    static readonly string[] BaseSpec =
    [
        "seed: 5",
        "data: {source: disk, train: 200, test: 10}",
        "model: [linear: 8, tanh, linear: 1]",
        "loss: mse",
        "optimizer: {sgd: {lr: 0.1}}",
        "train: {epochs: 1, batch: 50}",
    ];

    /// <summary>
    /// The spec changes for the conv and pool bugs: two Fashion-MNIST classes, a few rows (the blank
    /// background gives max-pool its ties), cross-entropy, and a model of images.
    /// </summary>
    static string Images(string model) =>
        $"data: {{source: fashion-mnist, train: 200, test: 10, classes: [0, 6]}}\nmodel: [unflatten: [1, 28, 28], {model}, flatten, linear: 2]\nloss: cross-entropy";

    /// <summary>Two 3×3 convolutions with the given settings, a ReLU between them.</summary>
    static string Convolutions(string settings) =>
        Images($"conv2d: {{out: 2, kernel: 3, {settings}}}, relu, conv2d: {{out: 2, kernel: 3, {settings}}}");

    /// <summary>A convolution, a ReLU and a 2×2 pool of <paramref name="kind"/>.</summary>
    static string Pooling(string kind) => Images($"conv2d: {{out: 2, kernel: 3}}, relu, {kind}: {{kernel: 2}}");

    /// <summary>
    /// The spec changes for the transformer bugs: minGPT's sorting task on 4 digits below 3 (T = 7, every batch full of
    /// repeated tokens), cross-entropy over [rows, T, 3] scored on the sorted half, and a model of sequences.
    /// </summary>
    static string Sequences(string model) =>
        $"data: {{source: sort, length: 4, digits: 3, train: 64, test: 16}}\nmodel: [{model}]\nloss: cross-entropy";

    /// <summary>
    /// A one-block transformer <paramref name="width"/> wide: embedding (layer 0), positions (1), the residual block 2
    /// of layer norm (2.0, flat index 2) and attention (2.1, flat 3) — the block's own entry is flat 4 — then a
    /// layer norm (3, flat 5) and the head (4, flat 6).
    /// </summary>
    static string Transformer(int width, int heads) => Sequences(
        $"embedding: {{vocab: 3, dim: {width}}}, position-embedding: {{block: 7}}, residual: [layer-norm, causal-self-attention: {{heads: {heads}}}], "
        + "layer-norm, linear: {out: 3, bias: false}");

    /// <summary>Two heads of 4: the heads' stride and 1/√d both show.</summary>
    static readonly string Gpt = Transformer(8, 2);

    public static IReadOnlyList<PlantedBug> All { get; } =
    [
        Bug("sigmoid-backward-missing-factor", "model: [linear: 8, sigmoid, linear: 1]", At(1),
            Layer("sigmoid", _ => SigmoidMissingFactor.Create()),
            "gradients part at layer 1 (sigmoid, 2nd from the output)…it matches g·y: the (1 − y) factor of σ′ = y·(1 − y) is missing"),
        Bug("tanh-backward-on-input", "model: [linear: 8, tanh, linear: 1]", At(1),
            Layer("tanh", _ => TanhDerivativeOfInput.Create()),
            "gradients part at layer 1 (tanh, 2nd from the output)…tanh′ = 1 − y² is taken on the input x instead of the output y = tanh x"),
        Bug("relu-mask-inverted", "model: [linear: 8, relu, linear: 1]", At(1),
            Layer("relu", _ => ReluMaskInverted.Create()),
            "gradients part at layer 1 (relu, 2nd from the output)…the mask is inverted"),
        Bug("leaky-relu-slope-forgotten", "model: [linear: 8, leaky-relu: {slope: 0.1}, linear: 1]", At(1),
            Layer("leaky-relu", LeakyReluSlopeForgotten.Create),
            "gradients part at layer 1 (leaky-relu, 2nd from the output)…the slope is forgotten: where x ≤ 0 the gradient is 0"),
        Bug("softmax-backward-diagonal-only", "data: {source: quadratic, train: 200, test: 10}\nmodel: [linear: 6, softmax, linear: 1]", At(1),
            Layer("softmax", _ => SoftmaxDiagonalOnly.Create()),
            "gradients part at layer 1 (softmax, 2nd from the output)…only the diagonal of softmax's Jacobian"),
        Bug("gelu-tanh-derivative-for-exact", "model: [linear: 8, gelu, linear: 1]", At(1),
            Layer("gelu", _ => GeluTanhDerivativeForExact.Create()),
            "gradients part at layer 1 (gelu, 2nd from the output)…it matches the derivative of GELU's tanh approximation"),
        Bug("elu-backward-exp-minus-one", "model: [linear: 8, {elu: {alpha: 0.5}}, linear: 1]", At(1),
            Layer("elu", EluBackwardExpMinusOne.Create),
            "gradients part at layer 1 (elu, 2nd from the output)…it matches g·(alpha·exp(x) − 1) where x ≤ 0"),
        Bug("softplus-threshold-ignored", "model: [linear: 8, {softplus: {beta: 2, threshold: 1}}, linear: 1]", At(1),
            Layer("softplus", SoftplusThresholdIgnored.Create),
            "gradients part at layer 1 (softplus, 2nd from the output)…softplus's threshold 1 is ignored"),
        Bug("log-softmax-backward-identity", "data: {source: quadratic, train: 200, test: 10}\nmodel: [linear: 6, log-softmax, linear: 1]", At(1),
            Layer("log-softmax", _ => LogSoftmaxBackwardIdentity.Create()),
            "gradients part at layer 1 (log-softmax, 2nd from the output)…the −softmax(x)·Σⱼ gⱼ term of log-softmax's dx"),
        Bug("dropout-not-rescaled", "model: [linear: 8, tanh, {dropout: {p: 0.25}}, linear: 1]", At(2),
            Layer("dropout", DropoutNotRescaled.Create),
            "outputs part at layer 2 (dropout, 2nd from the output)…it matches (1 − p)·y = 0.75·y: the kept values are not rescaled by 1/(1 − p), p = 0.25"),
        Bug("batch-norm-unbiased-normalisation", "model: [linear: 8, batch-norm1d, tanh, linear: 1]", At(1),
            Layer("batch-norm1d", layer => new BatchNormUnbiasedNormalisation(layer)),
            "outputs part at layer 1 (batch-norm1d, 3rd from the output)…it matches normalising by the unbiased variance Σ(x − μ)²/(n − 1)"),
        Bug("batch-norm-running-var-biased", "model: [linear: 8, batch-norm1d, tanh, linear: 1]", At(1),
            Layer("batch-norm1d", layer => new BatchNormRunningVarBiased(layer)),
            "the buffer 1.running_var of layer 1 (batch-norm1d, 3rd from the output) parts from TorchSharp's after the training forward…PyTorch stores the unbiased Σ(x − μ)²/(n − 1)"),
        Bug("batch-norm-eval-on-batch-statistics", "model: [linear: 8, batch-norm1d, tanh, linear: 1]", At(1),
            Layer("batch-norm1d", layer => new BatchNormEvalOnBatchStatistics(layer)),
            "the training step agrees, but the evaluation outputs part…the engine's evaluation output is TorchSharp's training forward — evaluation still computes as in training"),
        Bug("weight-gradient-transposed", "model: [linear: 6, tanh, linear: 6, tanh, linear: 1]", At(0, 2, 4),
            Layer("linear", WeightGradientTransposed.Create),
            "the gradient of 2.weight is TorchSharp's transposed"),
        Bug("bias-gradient-averaged", "", At(0, 2),
            Layer("linear", BiasGradientAveraged.Create),
            "only the bias gradients are wrong (0.bias, 2.bias)…0.02× that — 1/50, the batch size"),
        Bug("bias-gradient-first-row", "", At(0, 2),
            Layer("linear", BiasGradientFirstRow.Create),
            "only the bias gradients are wrong (0.bias, 2.bias)…row 0's dL/dy alone: the sum over the rows is missing"),
        Bug("weight-decay-in-backward", "", At(0, 2),
            Layer("linear", WeightDecayInBackward.Create),
            "the engine's backward at layer 0 (linear, 3rd from the output) is not linear in the upstream gradient: with a zero upstream gradient its 0.weight gradient is still up to"),
        Bug("conv-weight-gradient-kernel-turned", Convolutions("stride: 2, padding: 1"), At(1, 3),
            Layer("conv2d", ConvKernelGradientTurned.Create),
            "gradients part at layer 3 (conv2d, 3rd from the output)…its 3.weight gradient does not…each 3×3 kernel turned 180°: the forward is a cross-correlation"),
        Bug("conv-padding-off-by-one-in-backward", Convolutions("padding: 1"), At(1, 3),
            Layer("conv2d", ConvPaddingOffByOne.Create),
            "gradients part at layer 3 (conv2d, 3rd from the output)…moved one pixel down and right: the backward's padding is off by one"),
        Bug("conv-stride-ignored-in-backward", Convolutions("stride: 2, padding: 1"), At(1, 3),
            Layer("conv2d", ConvStrideIgnoredInBackward.Create),
            "gradients part at layer 3 (conv2d, 3rd from the output)…zero beyond row and column 7…the stride is ignored in backward"),
        Bug("max-pool-gradient-to-every-tie", Pooling("max-pool2d"), At(3),
            Layer("max-pool2d", MaxPoolGradientToEveryTie.Create),
            "gradients part at layer 3 (max-pool2d, 3rd from the output)…each equal to its window's maximum: a tie sends the window's gradient to every maximal position"),
        Bug("max-pool-gradient-to-last-tie", Pooling("max-pool2d"), At(3),
            Layer("max-pool2d", MaxPoolGradientToLastTie.Create),
            "gradients part at layer 3 (max-pool2d, 3rd from the output)…windows with a tie reaches its last maximal position instead of its first"),
        Bug("max-pool-gradient-to-wrong-window", Pooling("max-pool2d"), At(3),
            Layer("max-pool2d", MaxPoolGradientToWrongWindow.Create),
            "gradients part at layer 3 (max-pool2d, 3rd from the output)…the maximum of no window around them, while each image plane receives TorchSharp's total…in another window"),
        Bug("avg-pool-not-divided-by-window", Pooling("avg-pool2d"), At(3),
            Layer("avg-pool2d", AvgPoolNotDividedByWindow.Create),
            "gradients part at layer 3 (avg-pool2d, 3rd from the output)…it is 4× TorchSharp's, the window's 2×2 values: the gradient is not divided by the window"),
        AttentionBug("attention-softmax-jacobian-subtraction-missing", AttentionMistake.JacobianSubtractionMissing, "gradients", "the −P·Σⱼ Pⱼ·dPⱼ term of softmax's Jacobian"),
        AttentionBug("attention-mask-missing-in-backward", AttentionMistake.MaskMissingInBackward, "gradients", "without the causal mask: gradient reaches future positions (j > i)"),
        AttentionBug("attention-scale-missing-in-backward", AttentionMistake.ScaleMissingInBackward, "gradients", "without the 1/√d scale of q·kᵀ/√d"),
        AttentionBug("attention-heads-interleaved", AttentionMistake.HeadsInterleaved, "outputs", "heads split with the wrong stride: head h takes columns h, h + H"),
        Bug("layer-norm-backward-without-projection", Gpt, At(2, 5),
            Layer("layer-norm", LayerNormWithoutProjection.Create),
            "gradients part at layer 3 (layer-norm, 2nd from the output)…the −x̂·mean(ĝ·x̂) term of layer norm's input gradient"),
        // T = C = 7, so that a weight gradient summed over the features has the shape of one summed over the positions.
        Bug("layer-norm-weight-gradient-over-features", Transformer(7, 1), At(2, 5),
            Layer("layer-norm", LayerNormWeightGradientOverFeatures.Create),
            "gradients part at layer 3 (layer-norm, 2nd from the output)…its weight gradient is Σ dy·x̂ over the rows and the 7 features, one value per position"),
        Bug("embedding-gradient-overwritten", Gpt, At(0),
            Layer("embedding", EmbeddingGradientOverwritten.Create),
            "gradients part at layer 0 (embedding, 5th from the output)…the gradient of the token's last occurrence alone"),
        Bug("position-embedding-gradient-first-row", Gpt, At(1),
            Layer("position-embedding", PositionEmbeddingGradientFirstRow.Create),
            "gradients part at layer 1 (position-embedding, 4th from the output)…the first sample's dy alone"),
        Bug("residual-skip-dropped-in-backward", Gpt, At(4),
            Standard with { Blocks = Standard.Blocks.With("residual", layers => new ResidualDroppingSkip(layers)) },
            "gradients part at layer 2 (residual, 3rd from the output)…the backward drops the skip path's dy"),
        // Every row scores its 4 sorted positions: the mean over the 50 rows is 4× the mean over the 200 positions.
        Bug("cross-entropy-over-rows", Gpt, Planted.Loss,
            Loss("cross-entropy", _ => new CrossEntropyOverRows()),
            "every gradient is 4× TorchSharp's — 200/50, the positions scored over the rows: the mean is taken over the batch's 50 rows instead of its 200 scored positions"),
        Bug("mse-summed", "model: [linear: 8, tanh, linear: 2]\ntargets: one-hot", Planted.Loss,
            Loss("mse", MseSummed.Create),
            "the model's outputs agree but the loss does not…100 = rows × outputs: a sum where the spec says mean"),
        Bug("mse-gradient-sign-flipped", "", Planted.Loss,
            Loss("mse", MseGradientSignFlipped.Create),
            "every gradient is -1× TorchSharp's — a sign flip"),
        Bug("mse-gradient-missing-two", "", Planted.Loss,
            Loss("mse", MseGradientMissingTwo.Create),
            "every gradient is 0.5× TorchSharp's — ½: the factor 2 of d(p − y)²/dp missing"),
        Bug("bce-log-unclamped", "model: [linear: 8, tanh, linear: 1, sigmoid]\nloss: bce\ninit: {normal: {std: 50}}", Planted.Loss,
            Loss("bce", loss => new BceLogUnclamped(ReductionOption.Of(loss))),
            "the first NaN/Inf is the loss…is exactly 1 (saturated in float64)…PyTorch clamps each log of BCE at −100"),
        Bug("cross-entropy-unshifted", "model: [linear: 8, relu, linear: 2]\nloss: cross-entropy\ninit: {normal: {std: 50}}", Planted.Loss,
            Loss("cross-entropy", loss => new CrossEntropyUnshifted(ReductionOption.Of(loss))),
            "the first NaN/Inf is the loss…past 709.78 where e^x overflows float64…shifted by the row maximum"),
        Bug("cross-entropy-gradient-not-averaged", "model: [linear: 8, tanh, linear: 2]\nloss: cross-entropy\ntrain: {epochs: 1, batch: 40}", Planted.Loss,
            Loss("cross-entropy", loss => new CrossEntropyGradientNotAveraged(ReductionOption.Of(loss))),
            "every gradient is 40× TorchSharp's — the batch size 40: the loss takes the mean but its gradient is never divided by it"),
        Bug("smooth-l1-beta-ignored", "loss: {kind: smooth-l1, beta: 2}", Planted.Loss,
            Loss("smooth-l1", SmoothL1BetaIgnored.Create),
            "the smooth-l1 (mean) loss backward is wrong: it matches d where |d| < beta: beta = 2 is left out of smooth-l1's quadratic branch"),
        Bug("huber-delta-forgotten", "loss: {kind: huber, delta: 0.25}", Planted.Loss,
            Loss("huber", HuberDeltaForgotten.Create),
            "the huber (mean) loss backward is wrong: it matches sign(d) where |d| > delta"),
        Bug("l1-gradient-not-averaged", "model: [linear: 8, tanh, linear: 2]\nloss: l1\ntargets: one-hot", Planted.Loss,
            Loss("l1", L1GradientNotAveraged.Create),
            "every gradient is 100× TorchSharp's — 100 = rows × outputs: the loss takes the mean but its gradient is never divided by it"),
        Bug("momentum-as-velocity", "optimizer: {sgd: {lr: 0.1, momentum: 0.9}}\nschedule: {exponential: {gamma: 0.5}}", Planted.Optimizer,
            Sgd(MomentumAsVelocity.Create),
            "momentum is written as v ← μ·v − lr·g, p ← p + v"),
        Bug("weight-decay-after-momentum", "optimizer: {sgd: {lr: 0.1, momentum: 0.9, weight_decay: 0.01}}", Planted.Optimizer,
            Sgd((parameters, options) => new WeightDecayAfterMomentum(parameters, options)),
            "weight decay is added after the momentum buffer"),
        Bug("nesterov-ignored", "optimizer: {sgd: {lr: 0.1, momentum: 0.9, nesterov: true}}", Planted.Optimizer,
            Sgd(NesterovIgnored.Create),
            "the Nesterov look-ahead is missing"),
        Bug("dampening-on-first-step", "optimizer: {sgd: {lr: 0.1, momentum: 0.9, dampening: 0.5}}", Planted.Optimizer,
            Sgd(DampeningOnFirstStep.Create),
            "dampening is applied on the first step"),
        Bug("clip-norm-per-tensor", "clip: {norm: 0.1}", Planted.Clip,
            Standard with { Clips = Standard.Clips.With("norm", ClipNormPerTensor.Create) },
            "clipped by each tensor's own norm instead of one global norm"),
        Bug("schedule-one-epoch-early", "schedule: {step: {size: 2, gamma: 0.5}}", Planted.Schedule,
            Standard with { Schedules = Standard.Schedules.With("step", schedule => new ScheduleOneEpochEarly(schedule.Integer("step_size"), schedule.Number("gamma"))) },
            "the learning-rate schedule steps one epoch early"),
        Bug("adam-without-bias-correction", "optimizer: {adam: {lr: 0.01}}", Planted.Optimizer,
            Optimizer("adam", (parameters, adam) => new AdamWithoutBiasCorrection(parameters, AdamOptions.From(adam))),
            "Adam's bias corrections are missing: PyTorch steps by lr / (1 − β₁ᵗ)"),
        Bug("adam-moment-correction-missing", "optimizer: {adam: {lr: 0.01}}", Planted.Optimizer,
            Optimizer("adam", (parameters, adam) => AdamMomentCorrectionMissing.Create(parameters, AdamOptions.From(adam))),
            "the bias correction of m (exp_avg) is missing: the engine steps by lr·m, PyTorch by (lr / (1 − β₁ᵗ))·m"),
        Bug("adam-square-correction-missing", "optimizer: {adam: {lr: 0.01}}", Planted.Optimizer,
            Optimizer("adam", (parameters, adam) => AdamSquareCorrectionMissing.Create(parameters, AdamOptions.From(adam))),
            "the bias correction of v (exp_avg_sq) is missing: the engine divides by √v + eps, PyTorch by √v / √(1 − β₂ᵗ) + eps"),
        Bug("adam-eps-inside-root", "optimizer: {adam: {lr: 0.01, eps: 1.0e-4}}", Planted.Optimizer,
            Optimizer("adam", (parameters, adam) => AdamEpsInsideRoot.Create(parameters, AdamOptions.From(adam))),
            "Adam's eps is inside the square root, √(v / (1 − β₂ᵗ) + eps); PyTorch adds it outside"),
        // β₂ = 0.5 forgets fast enough that v falls below its largest value within the check's four steps.
        Bug("amsgrad-max-not-taken", "optimizer: {adam: {lr: 0.01, betas: [0.9, 0.5], amsgrad: true}}", Planted.Optimizer,
            Optimizer("adam", (parameters, adam) => AmsgradMaxNotTaken.Create(parameters, AdamOptions.From(adam))),
            "AMSGrad's maximum is not taken: the engine divides by √v, PyTorch by √v̂ with v̂ ← max(v̂, v) kept in max_exp_avg_sq"),
        Bug("adamw-decay-as-l2", "optimizer: {adamw: {lr: 0.01, weight_decay: 0.5}}", Planted.Optimizer,
            Optimizer("adamw", (parameters, adamw) => AdamWDecayAsL2.Create(parameters, AdamOptions.From(adamw))),
            "AdamW's weight decay is applied as L2, g ← g + wd·p"),
        Bug("adamw-decay-after-step", "optimizer: {adamw: {lr: 0.01, weight_decay: 0.5}}", Planted.Optimizer,
            Optimizer("adamw", (parameters, adamw) => AdamWDecayAfterStep.Create(parameters, AdamOptions.From(adamw))),
            "AdamW's decoupled decay is applied after the Adam step, p ← (p − step)·(1 − lr·wd)"),
        Bug("adamw-decay-without-lr", "optimizer: {adamw: {lr: 0.01, weight_decay: 0.1}}", Planted.Optimizer,
            Optimizer("adamw", (parameters, adamw) => AdamWDecayWithoutLr.Create(parameters, AdamOptions.From(adamw))),
            "AdamW's decoupled decay is not scaled by the learning rate, p ← p·(1 − wd)"),
        Bug("rmsprop-eps-inside-root", "optimizer: {rmsprop: {lr: 0.01, eps: 1.0e-4}}", Planted.Optimizer,
            Optimizer("rmsprop", (parameters, rmsprop) => RmspropEpsInsideRoot.Create(parameters, RmspropOptions.From(rmsprop))),
            "RMSprop's eps is inside the square root, √(s + eps)"),
        Bug("rmsprop-centered-mean-not-subtracted", "optimizer: {rmsprop: {lr: 0.01, centered: true}}", Planted.Optimizer,
            Optimizer("rmsprop", (parameters, rmsprop) => RmspropCenteredMeanNotSubtracted.Create(parameters, RmspropOptions.From(rmsprop))),
            "centered RMSprop's mean is not subtracted: the engine divides by √s + eps, PyTorch by √(s − ḡ²) + eps…kept in grad_avg"),
        Bug("adagrad-lr-decay-ignored", "optimizer: {adagrad: {lr: 0.1, lr_decay: 0.5}}", Planted.Optimizer,
            Optimizer("adagrad", (parameters, adagrad) => AdagradLrDecayIgnored.Create(parameters, AdagradOptions.From(adagrad))),
            "Adagrad ignores lr_decay"),
    ];

    static PlantedBug Bug(string name, string specChanges, Planted planted, EngineParts<double> parts, string diagnosis) =>
        new(name, Spec(name, specChanges), planted, parts, diagnosis);

    /// <summary>Planted in the modules of these layers (every layer of the bug's kind in its spec).</summary>
    static Planted At(params int[] layers) => new("layer", layers);

    /// <summary>The base spec named <paramref name="name"/>, each "key: value" line of <paramref name="changes"/> replacing the line of that key, or added.</summary>
    static string Spec(string name, string changes)
    {
        var lines = BaseSpec.ToList();
        foreach (var line in changes.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = lines.FindIndex(l => Key(l) == Key(line));
            if (at >= 0)
                lines[at] = line;
            else
                lines.Add(line);
        }
        return string.Join('\n', lines.Prepend($"name: {name}")) + "\n";
    }

    static string Key(string line) => line[..line.IndexOf(':')];

    /// <summary>The standard engine, with every layer of <paramref name="kind"/> made by the bug.</summary>
    static EngineParts<double> Layer(string kind, Func<LayerDescription, Module<double>> planted) =>
        Standard with { Layers = Standard.Layers.With(kind, planted) };

    /// <summary>
    /// <paramref name="mistake"/> in the attention of <see cref="Gpt"/> (layer 2.1), whose <paramref name="part"/> ("outputs" or
    /// "gradients") part there first, explained with <paramref name="explanation"/>.
    /// </summary>
    static PlantedBug AttentionBug(string name, AttentionMistake mistake, string part, string explanation) =>
        Bug(name, Gpt, At(3), Layer("causal-self-attention", layer => new PlantedAttention(layer, mistake)),
            $"{part} part at layer 2.1 (causal-self-attention, in residual block 2)…{explanation}");

    /// <summary>The standard engine, with the loss of <paramref name="kind"/> made by the bug.</summary>
    static EngineParts<double> Loss(string kind, Func<Described, Loss<double>> planted) =>
        Standard with { Losses = Standard.Losses.With(kind, planted) };

    /// <summary>The standard engine, with SGD made by the bug from the description's options.</summary>
    static EngineParts<double> Sgd(Func<IReadOnlyList<Parameter<double>>, SgdOptions, IOptimizer> planted) =>
        Optimizer("sgd", (parameters, sgd) => planted(parameters, SgdOptions.From(sgd)));

    /// <summary>The standard engine, with the optimizer of <paramref name="kind"/> made by the bug.</summary>
    static EngineParts<double> Optimizer(string kind, Func<IReadOnlyList<Parameter<double>>, Described, IOptimizer> planted) =>
        Standard with { Optimizers = Standard.Optimizers.With(kind, planted) };
}
