namespace Parity.Engine.Optimizers;

/// <summary>torch.optim.Adagrad's arguments, read once from the model description.</summary>
public sealed record AdagradOptions(double Lr, double LrDecay, double WeightDecay, double Eps, double InitialAccumulatorValue)
{
    /// <summary>The description's <c>adagrad {lr, lr_decay, weight_decay, eps, initial_accumulator_value}</c>, every option given (the description is complete).</summary>
    public static AdagradOptions From(Described adagrad) => new(
        adagrad.Number("lr"), adagrad.Number("lr_decay"), adagrad.Number("weight_decay"),
        adagrad.Number("eps"), adagrad.Number("initial_accumulator_value"));
}
