using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Dropout that applies the mask but forgets to scale the kept values by 1/(1 − p), forward and backward: the engine's
/// dropout with its output and its gradient multiplied back by 1 − p. (Its dropout with p taken as 0 was this bug once;
/// p = 0 now drops nothing and has no mask.)
/// </summary>
sealed class DropoutNotRescaled(LayerDescription layer) : Module<double>
{
    readonly Module<double> _dropout = EngineParts<double>.Standard.Layers["dropout"](layer);
    readonly double _keep = 1 - layer.Number("p", 0.5);
    bool _training;

    public static Module<double> Create(LayerDescription layer) => new DropoutNotRescaled(layer);

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows)
    {
        _training = mode != ForwardMode.Evaluation;
        _dropout.Prepare(mode, batch, start, rows);
    }

    public override Matrix<double> Forward(Matrix<double> input) => Unscaled(_dropout.Forward(input));

    public override Matrix<double> Backward(Matrix<double> gradOutput) => Unscaled(_dropout.Backward(gradOutput));

    /// <summary>In training, the dropout's own buffer times 1 − p; in evaluation its input, which is not its to change.</summary>
    Matrix<double> Unscaled(Matrix<double> scaled)
    {
        if (_training)
            for (var i = 0; i < scaled.Data.Length; i++)
                scaled.Data[i] *= _keep;
        return scaled;
    }
}
