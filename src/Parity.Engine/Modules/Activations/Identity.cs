using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules.Activations;

/// <summary>y = x; passes both directions through untouched.</summary>
[LayerKind("identity")]
public sealed class Identity<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override Matrix<T> Forward(Matrix<T> input) => input;

    public override Matrix<T> Backward(Matrix<T> gradOutput) => gradOutput;
}
