namespace Parity.Engine.Optimizers;

/// <summary>torch.optim.SGD's arguments, read once from the model description so that a step reads plain fields.</summary>
public sealed record SgdOptions(double Lr, double Momentum = 0, double Dampening = 0, double WeightDecay = 0, bool Nesterov = false)
{
    /// <summary>The description's <c>sgd {lr, momentum, dampening, weight_decay, nesterov}</c>, every option given (the description is complete).</summary>
    public static SgdOptions From(Described sgd) => new(
        sgd.Number("lr"), sgd.Number("momentum"), sgd.Number("dampening"), sgd.Number("weight_decay"), sgd.Flag("nesterov"));
}
