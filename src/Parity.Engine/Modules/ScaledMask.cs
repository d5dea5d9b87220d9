using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// A layer's dropout mask, "{path}.mask" in the batch, as the module multiplies by it: 0 or 1/(1 − p)
/// per element (1/(1 − p) rounded to T, as libtorch's noise.div_(1 − p) holds it), for the rows
/// [start, start + rows) the module runs on. Dropout's and attention's.
/// </summary>
sealed class ScaledMask<T>(string kind, string path, double p) where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly string _name = Batch.MaskName(path);
    readonly T _keep = T.One / T.CreateChecked(1 - p);
    Matrix<T>? _scaled;

    public Matrix<T> Load(Batch batch, int start, int rows)
    {
        var mask = batch.Mask(_name)
            ?? throw new ArgumentException($"{kind} layer {path} trains with the batch's mask '{_name}', and the batch has none");
        var width = mask.Count / batch.Rows;
        var scaled = Matrix<T>.Reuse(ref _scaled, rows, width);
        for (var i = 0; i < scaled.Data.Length; i++)
            scaled.Data[i] = mask.Data[start * width + i] == 0 ? T.Zero : _keep;
        return scaled;
    }
}
