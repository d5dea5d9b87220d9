using Parity.Spec;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Parity.Torch.Twin;

/// <summary>The spec's layers and losses as TorchSharp calls: the twin's one place where a spec keyword meets an op.</summary>
public static class TwinOps
{
    public static Tensor Layer(LayerSpec layer, Tensor input, IReadOnlyDictionary<string, Tensor> parameters) => layer switch
    {
        LinearLayer linear => F.linear(input, parameters[linear.WeightName], linear.Bias ? parameters[linear.BiasName] : null),
        ActivationLayer { Kind: ActivationKind.Relu } => F.relu(input),
        ActivationLayer { Kind: ActivationKind.LeakyRelu } leaky => F.leaky_relu(input, leaky.Slope),
        ActivationLayer { Kind: ActivationKind.Tanh } => F.tanh(input),
        ActivationLayer { Kind: ActivationKind.Sigmoid } => F.sigmoid(input),
        ActivationLayer { Kind: ActivationKind.Softmax } => F.softmax(input, 1),
        ActivationLayer { Kind: ActivationKind.Identity } => input,
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "no TorchSharp op for this layer"),
    };

    public static Tensor Loss(LossSpec loss, Tensor output, Tensor target)
    {
        var reduction = loss.Reduction == Reduction.Sum ? nn.Reduction.Sum : nn.Reduction.Mean;
        return loss.Kind switch
        {
            LossKind.Mse => F.mse_loss(output, target, reduction),
            LossKind.Bce => F.binary_cross_entropy(output, target, reduction: reduction),
            LossKind.BceWithLogits => F.binary_cross_entropy_with_logits(output, target, reduction: reduction),
            LossKind.CrossEntropy => F.cross_entropy(output, target, reduction: reduction),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss.Kind, "no TorchSharp loss of this kind"),
        };
    }
}
