using Parity.Engine.Losses;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Smooth L1 whose quadratic branch's gradient forgets beta: d where |d| &lt; beta instead of d/beta, as if the term were ½·d² there.</summary>
static class SmoothL1BetaIgnored
{
    public static Loss<double> Create(Described loss)
    {
        var beta = loss.Number("beta", 1);
        return new LossWithGradient(SmoothL1Loss<double>.From(loss), (p, y, scale) => scale * (Math.Abs(p - y) < beta ? p - y : Math.Sign(p - y)));
    }
}
