using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Torch.Tests;

/// <summary>A correct module with its backward deliberately broken, to show the op helper catches it.</summary>
public sealed class PlantedBackward(Module<double> inner, PlantedBackward.Mistake mistake) : Module<double>
{
    public enum Mistake { IgnoresUpstream, DoublesUpstream }

    public override Matrix<double> Forward(Matrix<double> input) => inner.Forward(input);

    public override Matrix<double> Backward(Matrix<double> gradOutput)
    {
        if (mistake == Mistake.IgnoresUpstream)
        {
            // the local derivative alone, as if the upstream gradient were all ones
            var ones = new Matrix<double>(gradOutput.Rows, gradOutput.Cols);
            Array.Fill(ones.Data, 1.0);
            return inner.Backward(ones);
        }
        var dx = inner.Backward(gradOutput);
        for (var i = 0; i < dx.Data.Length; i++)
            dx.Data[i] *= 2;
        return dx;
    }
}
