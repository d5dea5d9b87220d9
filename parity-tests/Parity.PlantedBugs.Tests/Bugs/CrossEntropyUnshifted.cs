using Parity.Engine.Losses;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Cross-entropy's forward as log Σ e^x − x_y with no shift by the row maximum: a logit past ~709.78
/// overflows e^x to ∞ in float64. The gradient is the engine's.
/// </summary>
sealed class CrossEntropyUnshifted(Reduction reduction) : Loss<double>(reduction)
{
    readonly CrossEntropyLoss<double> _crossEntropy = new(reduction);

    public override double Forward(Matrix<double> output, LossTargets<double> targets)
    {
        _crossEntropy.Forward(output, targets);
        var sum = 0.0;
        for (var row = 0; row < output.Rows; row++)
        {
            var x = output.Row(row);
            var exponentials = 0.0;
            foreach (var value in x)
                exponentials += Math.Exp(value);
            sum += Math.Log(exponentials) - x[targets.Classes![row]];
        }
        return Reduce(sum, output.Rows);
    }

    public override Matrix<double> Backward() => _crossEntropy.Backward();
}
