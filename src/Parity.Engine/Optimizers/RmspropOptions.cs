namespace Parity.Engine.Optimizers;

/// <summary>torch.optim.RMSprop's arguments, read once from the model description.</summary>
public sealed record RmspropOptions(double Lr, double Alpha, double Eps, double WeightDecay, double Momentum, bool Centered)
{
    /// <summary>The description's <c>rmsprop {lr, alpha, eps, weight_decay, momentum, centered}</c>, every option given (the description is complete).</summary>
    public static RmspropOptions From(Described rmsprop) => new(
        rmsprop.Number("lr"), rmsprop.Number("alpha"), rmsprop.Number("eps"),
        rmsprop.Number("weight_decay"), rmsprop.Number("momentum"), rmsprop.Flag("centered"));
}
