namespace Parity.Contract;

/// <summary>
/// Optional for a backend: <see cref="IBackend.GetParameters"/> into arrays the caller owns and reuses. Lockstep
/// training reads every parameter of both engines after every step; a fresh copy each time (1.6 MB a side for a
/// small CNN) was a tenth of the CNN's lockstep step, and gigabytes of short-lived arrays over its training.
/// </summary>
public interface IParametersInto
{
    /// <summary>
    /// The values <see cref="IBackend.GetParameters"/> returns, in its order, into <c>values[k]</c> — exactly
    /// the k-th tensor's element count — changing nothing else.
    /// </summary>
    void GetParametersInto(IReadOnlyList<double[]> values);
}
