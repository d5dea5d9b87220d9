namespace Parity.Engine.Optimizers;

/// <summary>torch.optim.Adagrad's arguments, read once from the model description.</summary>
public sealed record AdagradOptions(double Lr, double LrDecay, double WeightDecay, double Eps, double InitialAccumulatorValue)
{
    /// <summary>The description's <c>adagrad {lr, lr_decay, weight_decay, eps, initial_accumulator_value}</c>, PyTorch's defaults where left out.</summary>
    public static AdagradOptions From(Described adagrad) => new(
        adagrad.Number("lr", 0.01), adagrad.Number("lr_decay", 0), adagrad.Number("weight_decay", 0),
        adagrad.Number("eps", 1e-10), adagrad.Number("initial_accumulator_value", 0));
}
