using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Rewrites a gradient of a layer with a weight (linear, conv2d, layer-norm, the embeddings) — a parameter's, or dX
/// in <paramref name="gradInput"/> — from its input X and the gradient dY reaching its output.
/// </summary>
delegate void GradientEdit(Parameter<double> weight, Parameter<double>? bias, Matrix<double> input, Matrix<double> gradOutput, Matrix<double> gradInput);

/// <summary>
/// The engine's layer, with one gradient rewritten by the planted bug after its backward; forward and
/// the other gradients stay the engine's.
/// </summary>
sealed class LayerWithGradientEdit(LayerDescription layer, GradientEdit edit) : Module<double>
{
    readonly Module<double> _layer = EngineParts<double>.Standard.Layers[layer.Kind](layer);
    Matrix<double>? _input;

    public override IReadOnlyList<Parameter<double>> Parameters => _layer.Parameters;

    public override Matrix<double> Forward(Matrix<double> input) => _layer.Forward(_input = input);

    public override Matrix<double> Backward(Matrix<double> gradOutput)
    {
        var gradInput = _layer.Backward(gradOutput);
        edit(_layer.Parameters[0], _layer.Parameters.ElementAtOrDefault(1), _input!, gradOutput, gradInput);
        return gradInput;
    }
}
