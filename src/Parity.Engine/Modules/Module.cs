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

    /// <summary>The buffers (batch norm's running statistics): in the state_dict after the parameters, never trained.</summary>
    public virtual IReadOnlyList<Parameter<T>> Buffers => [];

    /// <summary>Its parameters and buffers in PyTorch's state_dict order: each module's parameters, then its buffers.</summary>
    public virtual IEnumerable<Parameter<T>> StateDict => Parameters.Concat(Buffers);

    /// <summary>Whether a row's output depends on the other rows (batch statistics): the batch must then not be split across threads.</summary>
    public virtual bool CouplesRows => false;

    public abstract Matrix<T> Forward(Matrix<T> input);

    /// <summary>
    /// Called before each forward with what it is for and the batch it runs on — rows
    /// [<paramref name="start"/>, start + <paramref name="rows"/>) of <paramref name="batch"/> when the
    /// step is split across threads — for modules whose forward depends on them (dropout's mask).
    /// </summary>
    public virtual void Prepare(ForwardMode mode, Batch batch, int start, int rows)
    {
    }

    public abstract Matrix<T> Backward(Matrix<T> gradOutput);

    /// <summary>
    /// Backward for the model's first layer in a training step, where nothing needs dL/d(input): only
    /// the parameter gradients. A module whose dL/d(input) costs a matrix product skips it (as autograd
    /// does for an input that does not require grad); the others just run <see cref="Backward"/>.
    /// </summary>
    public virtual void BackwardToParameters(Matrix<T> gradOutput) => Backward(gradOutput);
}
