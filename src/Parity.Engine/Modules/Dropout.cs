using System.Numerics;
using System.Numerics.Tensors;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// In training, y = x·m/(1 − p) with the batch's 0/1 mask m for this layer ("{path}.mask", <see cref="ScaledMask{T}"/>), as
/// PyTorch's dropout multiplies by its scaled noise; in evaluation, or with p = 0 (whose batches carry no mask), y = x, the input itself.
/// </summary>
[LayerKind("dropout")]
public sealed class Dropout<T>(string path, double p) : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly ScaledMask<T>? _mask = p > 0 ? new("dropout", path, p) : null;
    Matrix<T>? _scaledMask, _output, _gradInput;
    bool _training;

    public static Module<T> From(LayerDescription layer) => new Dropout<T>(layer.Path, layer.Number("p", 0.5));

    public override void Prepare(ForwardMode mode, Batch batch, int start, int rows)
    {
        _training = mode != ForwardMode.Evaluation && _mask is not null;
        if (_training)
            _scaledMask = _mask!.Load(batch, start, rows);
    }

    public override Matrix<T> Forward(Matrix<T> input)
    {
        if (!_training)
            return input;
        var mask = _scaledMask!;
        if (mask.Rows != input.Rows || mask.Cols != input.Cols)
            throw new ArgumentException($"dropout layer {path}'s mask is [{mask.Rows}, {mask.Cols}], its input [{input.Rows}, {input.Cols}]");
        var output = Matrix<T>.Reuse(ref _output, input.Rows, input.Cols);
        TensorPrimitives.Multiply<T>(input.Data, mask.Data, output.Data);
        return output;
    }

    // dx = g·m/(1 − p) in training; g itself in evaluation and with p = 0
    public override Matrix<T> Backward(Matrix<T> gradOutput)
    {
        if (!_training)
            return gradOutput;
        var gradInput = Matrix<T>.Reuse(ref _gradInput, gradOutput.Rows, gradOutput.Cols);
        TensorPrimitives.Multiply<T>(gradOutput.Data, _scaledMask!.Data, gradInput.Data);
        return gradInput;
    }
}
