using Parity.Engine.Losses;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Huber whose linear branch's gradient forgets delta: sign(d) where |d| &gt; delta instead of delta·sign(d).</summary>
static class HuberDeltaForgotten
{
    public static Loss<double> Create(Described loss)
    {
        var delta = loss.Number("delta", 1);
        return new LossWithGradient(HuberLoss<double>.From(loss), (p, y, scale) => scale * (Math.Abs(p - y) <= delta ? p - y : Math.Sign(p - y)));
    }
}
