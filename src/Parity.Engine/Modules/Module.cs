using System.Numerics;
using Parity.Engine.Numerics;

namespace Parity.Engine.Modules;

/// <summary>
/// A layer of the engine: <see cref="Forward"/> keeps what <see cref="Backward"/> needs; backward takes
/// dL/d(output) and returns dL/d(input), adding parameter gradients into each parameter's Grad.
/// Returned matrices are the module's own buffers, valid until its next call.
/// </summary>
public abstract class Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public virtual IReadOnlyList<Parameter<T>> Parameters => [];

    public abstract Matrix<T> Forward(Matrix<T> input);

    public abstract Matrix<T> Backward(Matrix<T> gradOutput);
}
