using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Rewrites a parameter gradient of a linear layer from its input X and the gradient dY reaching its output.</summary>
delegate void GradientEdit(Parameter<double> weight, Parameter<double>? bias, Matrix<double> input, Matrix<double> gradOutput);

/// <summary>
/// The engine's Linear, with one parameter gradient rewritten by the planted bug after its backward;
/// forward, dX and the other gradient stay the engine's.
/// </summary>
sealed class LinearWithGradientEdit(LayerDescription layer, GradientEdit edit) : Module<double>
{
    readonly Module<double> _linear = EngineParts<double>.Standard.Layers["linear"](layer);
    Matrix<double>? _input;

    public override IReadOnlyList<Parameter<double>> Parameters => _linear.Parameters;

    public override Matrix<double> Forward(Matrix<double> input) => _linear.Forward(_input = input);

    public override Matrix<double> Backward(Matrix<double> gradOutput)
    {
        var gradInput = _linear.Backward(gradOutput);
        edit(_linear.Parameters[0], _linear.Parameters.ElementAtOrDefault(1), _input!, gradOutput);
        return gradInput;
    }
}
