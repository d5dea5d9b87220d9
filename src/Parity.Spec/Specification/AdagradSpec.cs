using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>torch.optim.Adagrad's options.</summary>
public sealed record AdagradSpec(double Lr, double LrDecay, double WeightDecay, double Eps, double InitialAccumulatorValue) : OptimizerSpec(Lr)
{
    public override Described Describe() => new("adagrad", new JsonObject
    {
        ["lr"] = Lr, ["lr_decay"] = LrDecay, ["weight_decay"] = WeightDecay, ["eps"] = Eps, ["initial_accumulator_value"] = InitialAccumulatorValue,
    });
}
