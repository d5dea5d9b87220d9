namespace Parity.Engine.Optimizers;

/// <summary>torch.optim.RMSprop's arguments, read once from the model description.</summary>
public sealed record RmspropOptions(double Lr, double Alpha, double Eps, double WeightDecay, double Momentum, bool Centered)
{
    /// <summary>The description's <c>rmsprop {lr, alpha, eps, weight_decay, momentum, centered}</c>, PyTorch's defaults where left out.</summary>
    public static RmspropOptions From(Described rmsprop) => new(
        rmsprop.Number("lr", 0.01), rmsprop.Number("alpha", 0.99), rmsprop.Number("eps", 1e-8),
        rmsprop.Number("weight_decay", 0), rmsprop.Number("momentum", 0), rmsprop.Flag("centered"));
}
