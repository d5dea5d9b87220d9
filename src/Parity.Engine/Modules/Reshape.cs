using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// nn.Flatten and nn.Unflatten: the engine keeps each sample as one row of its values in PyTorch's
/// order (NCHW), so a change of one sample's shape moves nothing, forward or backward; only the shapes
/// the backend reports change, and the model description carries those.
/// </summary>
[LayerKind("flatten")]
[LayerKind("unflatten")]
public sealed class Reshape<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override Matrix<T> Forward(Matrix<T> input) => input;

    public override Matrix<T> Backward(Matrix<T> gradOutput) => gradOutput;
}
