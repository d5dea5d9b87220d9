using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// y = x + layers(x): minGPT's skip connection around a block of layers (a <see cref="Sequential{T}"/>);
/// it owns nothing itself. Its layers come before it in the model description (post-order), so the
/// backend builds it from them (ModelTree), not from its own description. Not sealed: a variant of the
/// engine (EngineParts.Blocks) may pass a different gradient around the block (<see cref="Skip"/>).
/// </summary>
public class Residual<T>(Sequential<T> layers) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    Matrix<T>? _output, _gradInput;

    public Sequential<T> Layers { get; } = layers;

    public override IReadOnlyList<Parameter<T>> Parameters => Layers.Parameters;

    public override IReadOnlyList<Parameter<T>> Buffers => Layers.Buffers;

    public override IEnumerable<Parameter<T>> StateDict => Layers.StateDict;

    public override bool CouplesRows => Layers.CouplesRows;

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows) => Layers.Prepare(mode, batch, start, rows);

    public override Matrix<T> Forward(Matrix<T> input) => Join(input, Layers.Forward(input));

    /// <summary>x + the block's output, x first as PyTorch's x + block(x) adds them.</summary>
    public Matrix<T> Join(Matrix<T> input, Matrix<T> blockOutput)
    {
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        TensorPrimitives.Add<T>(input.Data, blockOutput.Data, output.Data);
        return output;
    }

    /// <summary>
    /// What the skip path passes back to the block's input from dL/d(output): dy itself, as d(x + f(x))/dx
    /// takes the identity around f. The one place the skip's gradient is made, for the block's backward and
    /// for the backend's entry-by-entry walk (ModelTree) alike.
    /// </summary>
    public virtual Matrix<T> Skip(Matrix<T> gradOutput) => gradOutput;

    // dx = skip(g) + the block's dx(g): the gradient reaches x by both ways
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        var blockGradient = Layers.Backward(gradOutput);
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        TensorPrimitives.Add<T>(Skip(gradOutput).Data, blockGradient.Data, gradInput.Data);
        return gradInput;
    }

    public override void BackwardToParameters(Matrix<T> gradOutput) => Layers.BackwardToParameters(gradOutput);
}
