using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Parity.Torch.Twin;

/// <summary>
/// The model description's kinds as TorchSharp calls: the twin's one place where a kind meets an op,
/// one registration each. Each factory runs once, when the twin is built, and returns the call with
/// its options (and a layer's parameters) bound, ready for every forward and step.
/// </summary>
public static class TwinOps
{
    static readonly Dictionary<string, Func<LayerDescription, IReadOnlyDictionary<string, Parameter>, Func<Tensor, Tensor>>> Layers = new()
    {
        ["linear"] = (layer, parameters) =>
        {
            var weight = parameters[layer.Prefix + "weight"];
            var bias = layer.Flag("bias", true) ? parameters[layer.Prefix + "bias"] : null;
            return input => F.linear(input, weight, bias);
        },
        ["relu"] = (_, _) => input => F.relu(input),
        ["leaky-relu"] = (layer, _) =>
        {
            var slope = layer.Number("negative_slope", 0.01);
            return input => F.leaky_relu(input, slope);
        },
        ["tanh"] = (_, _) => input => F.tanh(input),
        ["sigmoid"] = (_, _) => input => F.sigmoid(input),
        ["softmax"] = (layer, _) =>
        {
            var dim = layer.Integer("dim");
            return input => F.softmax(input, dim);
        },
        ["log-softmax"] = (layer, _) =>
        {
            var dim = layer.Integer("dim");
            return input => F.log_softmax(input, dim);
        },
        ["gelu"] = (layer, _) =>
        {
            var approximate = Enum.Parse<GELU.Approximate>(layer.Word("approximate", "none"));
            return input => F.gelu(input, approximate);
        },
        ["elu"] = (layer, _) =>
        {
            var alpha = layer.Number("alpha", 1);
            return input => F.elu(input, alpha);
        },
        ["silu"] = (_, _) => input => F.silu(input),
        ["softplus"] = (layer, _) =>
        {
            var (beta, threshold) = (layer.Number("beta", 1), layer.Number("threshold", 20));
            return input => F.softplus(input, beta, threshold);
        },
        ["conv2d"] = (layer, parameters) =>
        {
            var weight = parameters[layer.Prefix + "weight"];
            var bias = layer.Flag("bias", true) ? parameters[layer.Prefix + "bias"] : null;
            var (stride, padding, dilation) = (Longs(layer, "stride"), Longs(layer, "padding"), Longs(layer, "dilation"));
            return input => F.conv2d(input, weight, bias, stride, padding, dilation);
        },
        ["max-pool2d"] = (layer, _) =>
        {
            var (kernel, stride, padding) = (Longs(layer, "kernel_size"), Longs(layer, "stride"), Longs(layer, "padding"));
            // libtorch's max_pool2d over [N, C, H, W] is a scalar loop per output, its channels-last kernel a vector loop
            // over the channels: the Fashion CNN's first pool over 64 rows takes 5 ms the one way, 1.4 ms the other with both
            // copies (float32, one thread), half its forward. Both kernels keep a window's first maximum (or first NaN), so
            // they pick the same input and give the same bits. Without a gradient the channels-last values are all there is.
            // With one, the channels-last backward would hand its gradient down in channels-last strides (the layers below
            // then ran their backward 2.2× slower), so the pool is taken as what max_pool2d is, the input gathered at its
            // maxima: libtorch's kernel picks them, and autograd differentiates the gather by adding the upstream gradient
            // at those positions into zeros, output by output, as max_pool2d's own backward does — in the same order where
            // windows overlap and one input is the maximum of several (TwinMaxPoolTests). The Fashion CNN's training step:
            // forward 5.5 ms against 10.8, backward 4.9 against 4.7 (float32, 64 rows, one thread).
            Tensor ChannelsLast(Tensor input) => input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
            return input =>
            {
                if (!is_grad_enabled())
                    return F.max_pool2d(ChannelsLast(input), kernel, stride, padding).contiguous();
                Tensor maxima;
                using (no_grad())
                    maxima = F.max_pool2d_with_indices(ChannelsLast(input), kernel, stride, padding).indices.contiguous();
                return input.flatten(2).gather(2, maxima.flatten(2)).view_as(maxima);
            };
        },
        ["avg-pool2d"] = (layer, _) =>
        {
            var (kernel, stride, padding) = (Longs(layer, "kernel_size"), Longs(layer, "stride"), Longs(layer, "padding"));
            var countIncludePad = layer.Flag("count_include_pad", true);
            return input => F.avg_pool2d(input, kernel, stride, padding, false, countIncludePad);
        },
        ["flatten"] = (layer, _) =>
        {
            var (start, end) = (layer.Integer("start_dim"), layer.Integer("end_dim"));
            return input => input.flatten(start, end);
        },
        ["unflatten"] = (layer, _) =>
        {
            var (dim, sizes) = (layer.Integer("dim"), Longs(layer, "unflattened_size"));
            return input => input.unflatten(dim, sizes);
        },
        // nn.Identity returns its input, the same tensor.
        ["identity"] = (_, _) => input => input,
        // nn.Embedding's forward: the rows of weight the ids [rows, T] (int64) pick. TorchSharp has no F.embedding;
        // this is at::embedding's own forward (index_select of the flattened ids, viewed as [rows, T, C]), and
        // autograd's backward of index_select adds each position's gradient into its row in order, as embedding's does.
        ["embedding"] = (layer, parameters) =>
        {
            var weight = parameters[layer.Prefix + "weight"];
            return input => weight.index_select(0, input.reshape(-1)).view([.. input.shape, weight.shape[1]]);
        },
        // minGPT's position embedding, added: x + weight[:T], the first T rows as a view, as PyTorch's slice takes them.
        ["position-embedding"] = (layer, parameters) =>
        {
            var weight = parameters[layer.Prefix + "weight"];
            return input => input + weight.narrow(0, 0, input.shape[1]);
        },
        ["layer-norm"] = (layer, parameters) =>
        {
            var (shape, eps) = (Longs(layer, "normalized_shape"), layer.Number("eps", 1e-5));
            var (weight, bias) = layer.Flag("elementwise_affine", true) ? (parameters[layer.Prefix + "weight"], parameters[layer.Prefix + "bias"]) : (null, null);
            return input => F.layer_norm(input, shape, weight, bias, eps);
        },
    };

    /// <summary>The layers whose call depends on the mode and the batch (<see cref="TwinMode"/>), read as the call runs; bound to parameters and buffers by state_dict name.</summary>
    static readonly Dictionary<string, Func<LayerDescription, IReadOnlyDictionary<string, Parameter>, IReadOnlyDictionary<string, Tensor>, TwinMode, Func<Tensor, Tensor>>> ModeLayers = new()
    {
        // F.dropout's own computation, input·(noise/(1 − p)), with Parity's noise; nn.Dropout in eval, or with p = 0 (no mask), returns its input.
        ["dropout"] = (layer, _, _, mode) =>
        {
            var (p, name) = (layer.Number("p", 0.5), Batch.MaskName(layer.Path));
            return input => mode.Training && p > 0 ? input * (mode.Mask(name) / (1 - p)) : input;
        },
        ["batch-norm1d"] = BatchNorm,
        ["batch-norm2d"] = BatchNorm,
        ["causal-self-attention"] = CausalSelfAttention,
    };

    /// <summary>
    /// minGPT's CausalSelfAttention as its forward writes it, product by product, so that autograd differentiates
    /// the same graph PyTorch does and the attention dropout can take Parity's mask "{path}.mask" [rows, H, T, T]
    /// (as the dropout layer does: att·(mask/(1 − p)) in training, nothing with p = 0 or in evaluation, as nn.Dropout).
    /// </summary>
    static Func<Tensor, Tensor> CausalSelfAttention(LayerDescription layer, IReadOnlyDictionary<string, Parameter> parameters, IReadOnlyDictionary<string, Tensor> buffers, TwinMode mode)
    {
        var (attentionWeight, attentionBias) = (parameters[layer.Prefix + "c_attn.weight"], parameters[layer.Prefix + "c_attn.bias"]);
        var (projectionWeight, projectionBias) = (parameters[layer.Prefix + "c_proj.weight"], parameters[layer.Prefix + "c_proj.bias"]);
        var (heads, p, maskName) = (layer.Integer("num_heads"), layer.Number("dropout", 0), Batch.MaskName(layer.Path));
        return input =>
        {
            var (rows, steps, width) = (input.shape[0], input.shape[1], input.shape[2]);
            var headWidth = width / heads;
            var qkv = F.linear(input, attentionWeight, attentionBias).split(width, dim: 2);
            var (q, k, v) = (Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]));
            // Divided by the float √d, as PyTorch's `/ math.sqrt(k.size(-1))` divides: not multiplied by its reciprocal, which rounds differently.
            var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(headWidth);
            var attention = scores.masked_fill(ones([steps, steps], ScalarType.Bool).triu(1), double.NegativeInfinity).softmax(-1);
            if (mode.Training && p > 0)
                attention = attention * (mode.Mask(maskName) / (1 - p));
            var y = attention.matmul(v).transpose(1, 2).contiguous().view(rows, steps, width);
            return F.linear(y, projectionWeight, projectionBias);

            Tensor Heads(Tensor t) => t.view(rows, steps, heads, headWidth).transpose(1, 2);
        };
    }

    /// <summary>
    /// nn.BatchNorm's forward: in a training step num_batches_tracked + 1, then F.batch_norm on the batch's
    /// statistics moving the running ones; Forward's inspection F.batch_norm without running statistics
    /// (batch statistics, nothing moved); evaluation F.batch_norm on the running statistics.
    /// </summary>
    static Func<Tensor, Tensor> BatchNorm(LayerDescription layer, IReadOnlyDictionary<string, Parameter> parameters, IReadOnlyDictionary<string, Tensor> buffers, TwinMode mode)
    {
        var prefix = layer.Prefix;
        var (weight, bias) = layer.Flag("affine", true) ? (parameters[prefix + "weight"], parameters[prefix + "bias"]) : (null, null);
        var (runningMean, runningVar, batches) = (buffers[prefix + "running_mean"], buffers[prefix + "running_var"], buffers[prefix + "num_batches_tracked"]);
        var (momentum, eps) = (layer.Number("momentum", 0.1), layer.Number("eps", 1e-5));
        return input =>
        {
            if (!mode.Training)
                return F.batch_norm(input, runningMean, runningVar, weight, bias, training: false, momentum, eps);
            if (!mode.UpdatesBuffers)
                return F.batch_norm(input, null, null, weight, bias, training: true, momentum, eps);
            batches.add_(1);
            return F.batch_norm(input, runningMean, runningVar, weight, bias, training: true, momentum, eps);
        };
    }

    static readonly Dictionary<string, Func<Described, nn.Reduction, Func<Tensor, Tensor, Tensor>>> Losses = new()
    {
        ["mse"] = (_, reduction) => (output, target) => F.mse_loss(output, target, reduction),
        ["bce"] = (_, reduction) => (output, target) => F.binary_cross_entropy(output, target, reduction: reduction),
        ["bce-with-logits"] = (_, reduction) => (output, target) => F.binary_cross_entropy_with_logits(output, target, reduction: reduction),
        // A sequence's output [rows, T, V] as PyTorch's logits.view(-1, V) against targets.view(-1) (the twin's targets are flat), skipping the ignored positions.
        ["cross-entropy"] = (_, reduction) => (output, target) =>
            F.cross_entropy(output.dim() > 2 ? output.view(-1, output.shape[^1]) : output, target, ignore_index: Batch.IgnoredTarget, reduction: reduction),
        ["nll"] = (_, reduction) => (output, target) => F.nll_loss(output, target, reduction: reduction),
        ["l1"] = (_, reduction) => (output, target) => F.l1_loss(output, target, reduction),
        ["smooth-l1"] = (loss, reduction) =>
        {
            var beta = loss.Number("beta", 1);
            return (output, target) => F.smooth_l1_loss(output, target, reduction, beta);
        },
        ["huber"] = (loss, reduction) =>
        {
            var delta = loss.Number("delta", 1);
            return (output, target) => F.huber_loss(output, target, delta, reduction);
        },
    };

    /// <summary>
    /// A torch.optim optimizer as TorchSharp makes it from the description's options (all given: the description is
    /// complete), and the entries of its per-parameter State that PyTorch's state_dict holds for those options, by
    /// field name (<see cref="OptimizerStateKeys"/>), for <see cref="TwinOptimizerState"/>.
    /// </summary>
    public sealed record TwinOptimizer(Func<IReadOnlyList<Parameter>, Described, optim.Optimizer> Make, Func<Described, IReadOnlyList<string>> Keys);

    static readonly Dictionary<string, TwinOptimizer> Optimizers = new()
    {
        ["sgd"] = new((parameters, sgd) => optim.SGD(parameters, sgd.Number("lr"), sgd.Number("momentum"), sgd.Number("dampening"), sgd.Number("weight_decay"), sgd.Flag("nesterov")),
            sgd => sgd.Number("momentum") != 0 ? [OptimizerStateKeys.MomentumBuffer] : []),
        ["adam"] = new((parameters, adam) => optim.Adam(parameters, adam.Number("lr"), Beta(adam, 0), Beta(adam, 1), adam.Number("eps"), adam.Number("weight_decay"), adam.Flag("amsgrad")), AdamKeys),
        ["adamw"] = new((parameters, adamw) => optim.AdamW(parameters, adamw.Number("lr"), Beta(adamw, 0), Beta(adamw, 1), adamw.Number("eps"), adamw.Number("weight_decay"), adamw.Flag("amsgrad")), AdamKeys),
        ["rmsprop"] = new((parameters, rmsprop) => optim.RMSProp(parameters, rmsprop.Number("lr"), rmsprop.Number("alpha"), rmsprop.Number("eps"), rmsprop.Number("weight_decay"), rmsprop.Number("momentum"), rmsprop.Flag("centered")),
            rmsprop => [OptimizerStateKeys.Step, OptimizerStateKeys.SquareAvg, .. rmsprop.Number("momentum") > 0 ? [OptimizerStateKeys.MomentumBuffer] : Array.Empty<string>(), .. rmsprop.Flag("centered") ? [OptimizerStateKeys.GradAvg] : Array.Empty<string>()]),
        ["nadam"] = new((parameters, nadam) => optim.NAdam(parameters, nadam.Number("lr"), Beta(nadam, 0), Beta(nadam, 1), nadam.Number("eps"), nadam.Number("weight_decay"), nadam.Number("momentum_decay")),
            _ => [OptimizerStateKeys.Step, OptimizerStateKeys.MuProduct, OptimizerStateKeys.ExpAvg, OptimizerStateKeys.ExpAvgSq]),
        ["adagrad"] = new((parameters, adagrad) => optim.Adagrad(parameters, adagrad.Number("lr"), adagrad.Number("lr_decay"), adagrad.Number("weight_decay"), adagrad.Number("initial_accumulator_value"), adagrad.Number("eps")),
            _ => [OptimizerStateKeys.Step, OptimizerStateKeys.Sum]),
    };

    static IReadOnlyList<string> AdamKeys(Described adam) =>
        [OptimizerStateKeys.Step, OptimizerStateKeys.ExpAvg, OptimizerStateKeys.ExpAvgSq, .. adam.Flag("amsgrad") ? [OptimizerStateKeys.MaxExpAvgSq] : Array.Empty<string>()];

    /// <summary>
    /// The modules whose default initialisation <c>init: torch</c> takes, made as PyTorch's constructors
    /// make them (drawing from the seeded generator in the same order), by the kinds that own parameters.
    /// </summary>
    static readonly Dictionary<string, Func<LayerDescription, nn.Module>> Initialisers = new()
    {
        ["linear"] = layer => nn.Linear(layer.Integer("in_features"), layer.Integer("out_features"), hasBias: layer.Flag("bias", true)),
        ["conv2d"] = layer => nn.Conv2d(layer.Integer("in_channels"), layer.Integer("out_channels"), Pair(layer, "kernel_size"),
            stride: Pair(layer, "stride"), padding: Pair(layer, "padding"), dilation: Pair(layer, "dilation"), bias: layer.Flag("bias", true)),
        ["batch-norm1d"] = layer => nn.BatchNorm1d(layer.Integer("num_features"), layer.Number("eps", 1e-5), layer.Number("momentum", 0.1), layer.Flag("affine", true)),
        ["batch-norm2d"] = layer => nn.BatchNorm2d(layer.Integer("num_features"), layer.Number("eps", 1e-5), layer.Number("momentum", 0.1), layer.Flag("affine", true)),
        ["embedding"] = layer => nn.Embedding(layer.Integer("num_embeddings"), layer.Integer("embedding_dim")),
        // The README's PositionEmbedding: nn.Parameter(torch.randn(block_size, dim) * 0.02), multiplied in place (the same product) so that no intermediate tensor outlives the draw.
        ["position-embedding"] = layer => nn.ParameterDict(("weight", new Parameter(randn(layer.Integer("block_size"), layer.Integer("embedding_dim")).mul_(0.02)))),
        ["layer-norm"] = layer => nn.LayerNorm(Longs(layer, "normalized_shape"), layer.Number("eps", 1e-5), layer.Flag("elementwise_affine", true)),
        // minGPT's CausalSelfAttention makes c_attn, then c_proj (its dropout draws nothing).
        ["causal-self-attention"] = layer =>
        {
            var width = layer.Integer("embed_dim");
            return nn.Sequential(("c_attn", nn.Linear(width, 3 * width)), ("c_proj", nn.Linear(width, width)));
        },
    };

    /// <summary>An option's integers (a kernel's size, strides, padding) as TorchSharp takes them.</summary>
    public static long[] Longs(Described layer, string name) => [.. layer.Integers(name).Select(n => (long)n)];

    static (long, long) Pair(Described layer, string name) => layer.Integers(name) is [var h, var w] ? (h, w) : throw new ArgumentException($"{layer.Kind}: {name} is not a pair");

    /// <summary>β₁ or β₂ of <c>betas</c>.</summary>
    static double Beta(Described adam, int index) => adam.Numbers("betas")[index];

    // TorchSharp's schedulers, like PyTorch's, take their initial step in the constructor.
    static readonly Dictionary<string, Func<optim.Optimizer, Described, optim.lr_scheduler.LRScheduler>> Schedules = new()
    {
        ["exponential"] = (optimizer, schedule) => optim.lr_scheduler.ExponentialLR(optimizer, schedule.Number("gamma")),
        ["step"] = (optimizer, schedule) => optim.lr_scheduler.StepLR(optimizer, schedule.Integer("step_size"), schedule.Number("gamma")),
        ["cosine"] = (optimizer, schedule) => optim.lr_scheduler.CosineAnnealingLR(optimizer, schedule.Integer("T_max"), schedule.Number("eta_min")),
        ["linear"] = (optimizer, schedule) => optim.lr_scheduler.LinearLR(optimizer, schedule.Number("start_factor"), schedule.Number("end_factor"), schedule.Integer("total_iters")),
        ["sequential"] = (optimizer, schedule) => optim.lr_scheduler.SequentialLR(optimizer,
            schedule.Parts("schedulers").Select(part => Schedule(optimizer, part)).ToList(), schedule.Integers("milestones")),
    };

    static readonly Dictionary<string, Func<Described, Action<IReadOnlyList<Parameter>>>> Clips = new()
    {
        ["norm"] = clip =>
        {
            var maxNorm = clip.Number("max_norm");
            return parameters => nn.utils.clip_grad_norm_(parameters, maxNorm);
        },
        ["value"] = clip =>
        {
            var limit = clip.Number("clip_value");
            return parameters => nn.utils.clip_grad_value_(parameters, limit);
        },
    };

    /// <summary>The layer as a call on its input, bound to its parameters and buffers (by state_dict name), its options and the twin's mode.</summary>
    public static Func<Tensor, Tensor> Layer(LayerDescription layer, IReadOnlyDictionary<string, Parameter> parameters, IReadOnlyDictionary<string, Tensor> buffers, TwinMode mode) =>
        ModeLayers.TryGetValue(layer.Kind, out var modeLayer)
            ? modeLayer(layer, parameters, buffers, mode)
            : Of(Layers, "layer", layer.Kind, ModeLayers.Keys)(layer, parameters);

    /// <summary>A freshly initialised module of the layer's kind, for <c>init: torch</c>.</summary>
    public static nn.Module Initialiser(LayerDescription layer) => Of(Initialisers, "initialisation for layer", layer.Kind)(layer);

    /// <summary>The loss as a call on the model's output and the targets.</summary>
    public static Func<Tensor, Tensor, Tensor> Loss(Described loss) => Of(Losses, "loss", loss.Kind)(loss, loss.Word("reduction", "mean") switch
    {
        "mean" => nn.Reduction.Mean,
        "sum" => nn.Reduction.Sum,
        var other => throw new ArgumentException($"{loss.Kind}: reduction '{other}' is neither mean nor sum"),
    });

    public static optim.Optimizer Optimizer(IReadOnlyList<Parameter> parameters, Described optimizer) => Of(Optimizers, "optimizer", optimizer.Kind).Make(parameters, optimizer);

    /// <summary>The per-parameter state keys the optimizer's options make, as PyTorch's state_dict holds them.</summary>
    public static IReadOnlyList<string> OptimizerStateKeysOf(Described optimizer) => Of(Optimizers, "optimizer", optimizer.Kind).Keys(optimizer);

    public static optim.lr_scheduler.LRScheduler Schedule(optim.Optimizer optimizer, Described schedule) => Of(Schedules, "learning-rate schedule", schedule.Kind)(optimizer, schedule);

    /// <summary>The clipping as a call on the parameters' current gradients.</summary>
    public static Action<IReadOnlyList<Parameter>> Clip(Described clip) => Of(Clips, "gradient clipping", clip.Kind)(clip);

    static TFactory Of<TFactory>(Dictionary<string, TFactory> table, string part, string kind, IEnumerable<string>? others = null) => table.TryGetValue(kind, out var factory)
        ? factory
        : throw new ArgumentException($"the TorchSharp reference has no {part} '{kind}'; it has {string.Join(", ", table.Keys.Concat(others ?? []).Order(StringComparer.Ordinal))}");
}
