using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>A residual block whose backward passes back its layers' gradient alone: the skip path's dy never reaches the block's input.</summary>
sealed class ResidualDroppingSkip(Sequential<double> layers) : Residual<double>(layers)
{
    // Zeros: never written, by this block or by whoever reads what Skip returns.
    Matrix<double>? _nothing;

    public override Matrix<double> Skip(Matrix<double> gradOutput) => Matrix<double>.Reuse(ref _nothing, gradOutput.Rows, gradOutput.Cols);
}
