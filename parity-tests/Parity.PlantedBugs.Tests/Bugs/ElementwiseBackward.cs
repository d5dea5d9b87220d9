using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// One of the engine's activations with its backward replaced by an elementwise rule dx = rule(x, y, g)
/// of the input x, the output y and the gradient g reaching the output: each planted activation bug
/// is one such rule, its forward the engine's own.
/// </summary>
sealed class ElementwiseBackward(Module<double> activation, Func<double, double, double, double> rule) : Module<double>
{
    Matrix<double>? _input, _output, _gradInput;

    public override Matrix<double> Forward(Matrix<double> input)
    {
        _input = input;
        return _output = activation.Forward(input);
    }

    public override Matrix<double> Backward(Matrix<double> gradOutput)
    {
        var dx = Matrix<double>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        for (var i = 0; i < dx.Data.Length; i++)
            dx.Data[i] = rule(_input!.Data[i], _output!.Data[i], gradOutput.Data[i]);
        return dx;
    }
}
