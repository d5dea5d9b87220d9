using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// In training, y = x·m/(1 − p) with the batch's 0/1 mask m for this layer ("{index}.mask"), as
/// PyTorch's dropout multiplies by its scaled noise; in evaluation y = x, the input itself.
/// </summary>
[LayerKind("dropout")]
public sealed class Dropout<T>(int index, double p) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly string _maskName = Batch.MaskName(index);
    // 1/(1 − p) rounded to T, as libtorch's noise.div_(1 − p) holds it.
    readonly T _keep = T.One / T.CreateChecked(1 - p);
    // The mask scaled: 0 or 1/(1 − p) per element, for the rows this module runs on.
    Matrix<T>? _scaledMask, _output, _gradInput;
    bool _training;

    public static Module<T> From(LayerDescription layer) => new Dropout<T>(layer.Index, layer.Number("p", 0.5));

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows)
    {
        _training = mode != ForwardMode.Evaluation;
        if (!_training)
            return;
        var mask = batch.Mask(_maskName)
            ?? throw new ArgumentException($"dropout layer {index} trains with the batch's mask '{_maskName}', and the batch has none");
        var width = mask.Count / batch.Rows;
        var scaled = Matrix<T>.Reuse(ref _scaledMask, rows, width);
        for (var i = 0; i < scaled.Data.Length; i++)
            scaled.Data[i] = mask.Data[start * width + i] == 0 ? T.Zero : _keep;
    }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        if (!_training)
            return input;
        var mask = _scaledMask!;
        if (mask.Rows != input.Rows || mask.Cols != input.Cols)
            throw new ArgumentException($"dropout layer {index}'s mask is [{mask.Rows}, {mask.Cols}], its input [{input.Rows}, {input.Cols}]");
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        TensorPrimitives.Multiply<T>(input.Data, mask.Data, output.Data);
        return output;
    }

    // dx = g·m/(1 − p) in training; g itself in evaluation
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        if (!_training)
            return gradOutput;
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        TensorPrimitives.Multiply<T>(gradOutput.Data, _scaledMask!.Data, gradInput.Data);
        return gradInput;
    }
}
