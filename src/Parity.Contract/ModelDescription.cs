namespace Parity.Contract;

/// <summary>
/// Everything an engine builds itself from, with no spec file to parse: the dtype ("float32" or
/// "float64"), the shape of one input sample, the layers in order, the parameters in state_dict
/// order, the loss, the optimizer, and the optional schedule (stepped once per epoch) and gradient
/// clipping (before each step). The seed is for engines that draw anything themselves.
/// </summary>
/// <remarks>
/// Kinds and options in this version:
/// layers <c>linear {in_features, out_features, bias}</c> and the ops of the spec's op catalogue (the
/// table "Layers and model-description kinds" of docs/spec-format.md lists each with its options), such as
/// <c>leaky-relu {negative_slope}</c>, <c>softmax {dim}</c>, <c>gelu {approximate}</c>,
/// <c>conv2d {in_channels, out_channels, kernel_size, stride, padding, dilation, bias}</c>,
/// <c>max-pool2d {kernel_size, stride, padding}</c> or <c>unflatten {unflattened_size, dim}</c>; each
/// layer's output crosses the contract as [rows, …OutputShape];
/// <c>dropout {p}</c> (masks in <see cref="Batch.Masks"/>), <c>batch-norm1d</c> / <c>batch-norm2d {num_features, momentum, eps, affine}</c>
/// (buffers marked in <see cref="ParameterDescription.Buffer"/>);
/// <c>embedding {num_embeddings, embedding_dim}</c>, <c>position-embedding {block_size, embedding_dim}</c>,
/// <c>layer-norm {normalized_shape, eps, elementwise_affine}</c>, <c>causal-self-attention {embed_dim, num_heads, dropout}</c>,
/// <c>residual</c> (see <see cref="LayerDescription"/>);
/// losses <c>mse</c>, <c>bce</c>, <c>bce-with-logits</c>, <c>cross-entropy</c> (over [T, V] outputs as PyTorch's view(-1, V) form, skipping <see cref="Batch.IgnoredTarget"/>), <c>nll</c>, <c>l1</c>, <c>smooth-l1 {beta}</c>,
/// <c>huber {delta}</c>, each also <c>{reduction: mean|sum}</c>;
/// optimizers <c>sgd {lr, momentum, dampening, weight_decay, nesterov}</c>, <c>adam</c> and <c>adamw {lr, betas: [β₁, β₂], eps, weight_decay, amsgrad}</c>,
/// <c>rmsprop {lr, alpha, eps, weight_decay, momentum, centered}</c>, <c>adagrad {lr, lr_decay, weight_decay, eps, initial_accumulator_value}</c>;
/// schedules <c>exponential {gamma}</c>, <c>step {step_size, gamma}</c>, <c>cosine {T_max, eta_min}</c>,
/// <c>linear {start_factor, end_factor, total_iters}</c>, <c>sequential {schedulers: [{kind, …options}, …], milestones: [epoch, …]}</c> (SequentialLR);
/// clipping <c>norm {max_norm}</c> (<c>clip_grad_norm_</c>), <c>value {clip_value}</c> (<c>clip_grad_value_</c>).
/// </remarks>
public sealed record ModelDescription(
    string Name,
    string DType,
    int[] InputShape,
    IReadOnlyList<LayerDescription> Layers,
    IReadOnlyList<ParameterDescription> Parameters,
    Described Loss,
    Described Optimizer,
    Described? Schedule,
    Described? Clip,
    long Seed)
{
    public bool IsFloat32 => DType == "float32";

    /// <summary>
    /// What the model's input holds: "float" (features in the model's dtype), or "int64" (token ids, the
    /// input of an <c>embedding</c> first layer, [rows, T]).
    /// </summary>
    public string InputDType { get; init; } = "float";

    public bool TakesTokens => InputDType == "int64";
}
