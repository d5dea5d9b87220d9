using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>torch.optim.RMSprop's options.</summary>
public sealed record RmspropSpec(double Lr, double Alpha, double Eps, double WeightDecay, double Momentum, bool Centered) : OptimizerSpec(Lr)
{
    public override Described Describe() => new("rmsprop", new JsonObject
    {
        ["lr"] = Lr, ["alpha"] = Alpha, ["eps"] = Eps, ["weight_decay"] = WeightDecay, ["momentum"] = Momentum, ["centered"] = Centered,
    });
}
