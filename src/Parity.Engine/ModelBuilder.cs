using System.Numerics;
using Parity.Engine.Losses;
using Parity.Engine.Modules;
using Parity.Engine.Modules.Activations;
using Parity.Spec;

namespace Parity.Engine;

/// <summary>Turns the spec's keywords into the engine's modules and loss: the one place a new op is named.</summary>
public static class ModelBuilder
{
    public static Module<T> Layer<T>(LayerSpec layer) where T : unmanaged, IFloatingPointIeee754<T> => layer switch
    {
        LinearLayer linear => new Linear<T>(linear.Index, linear.In, linear.Out, linear.Bias),
        ActivationLayer { Kind: ActivationKind.Relu } => new Relu<T>(),
        ActivationLayer { Kind: ActivationKind.LeakyRelu } leaky => new LeakyRelu<T>(leaky.Slope),
        ActivationLayer { Kind: ActivationKind.Tanh } => new Tanh<T>(),
        ActivationLayer { Kind: ActivationKind.Sigmoid } => new Sigmoid<T>(),
        ActivationLayer { Kind: ActivationKind.Softmax } => new Softmax<T>(),
        ActivationLayer { Kind: ActivationKind.Identity } => new Identity<T>(),
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, "no engine module for this layer"),
    };

    public static Loss<T> Loss<T>(LossSpec loss) where T : unmanaged, IFloatingPointIeee754<T> => loss.Kind switch
    {
        LossKind.Mse => new MseLoss<T>(loss.Reduction),
        LossKind.Bce => new BceLoss<T>(loss.Reduction),
        LossKind.BceWithLogits => new BceWithLogitsLoss<T>(loss.Reduction),
        LossKind.CrossEntropy => new CrossEntropyLoss<T>(loss.Reduction),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss.Kind, "no engine loss of this kind"),
    };
}
