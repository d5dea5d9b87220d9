using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>torch.optim.Adam's options, or AdamW's when <see cref="Decoupled"/> (weight decay p ← p·(1 − lr·wd) rather than L2 on the gradient).</summary>
public sealed record AdamSpec(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Amsgrad, bool Decoupled) : OptimizerSpec(Lr)
{
    public override Described Describe() => new(Decoupled ? "adamw" : "adam", new JsonObject
    {
        ["lr"] = Lr, ["betas"] = new JsonArray(Beta1, Beta2), ["eps"] = Eps, ["weight_decay"] = WeightDecay, ["amsgrad"] = Amsgrad,
    });
}
