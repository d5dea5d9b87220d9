using System.Text.Json.Nodes;

namespace Parity.Spec;

/// <summary>torch.optim.SGD's options, with its defaults.</summary>
public sealed record SgdSpec(double Lr, double Momentum = 0, double Dampening = 0, double WeightDecay = 0, bool Nesterov = false) : OptimizerSpec(Lr)
{
    public override Described Describe() =>
        new("sgd", new JsonObject { ["lr"] = Lr, ["momentum"] = Momentum, ["dampening"] = Dampening, ["weight_decay"] = WeightDecay, ["nesterov"] = Nesterov });
}
