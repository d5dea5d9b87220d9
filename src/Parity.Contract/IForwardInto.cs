namespace Parity.Contract;

/// <summary>
/// Optional for a backend: <see cref="IBackend.Forward"/> into arrays the caller owns and reuses. The
/// finite-difference check runs a forward at each of its hundreds of probe points only to read the
/// inputs of a few kinked layers; a fresh copy of every layer's output each time (some 20 MB for a
/// small CNN at 64 rows) made gigabytes of short-lived garbage, and the heap grew with it.
/// </summary>
public interface IForwardInto
{
    /// <summary>
    /// The forward of <see cref="IBackend.Forward"/> (training semantics, no side effect), writing the
    /// output of layer <c>layers[k]</c> into <c>outputs[k]</c> — exactly rows × the layer's output size
    /// elements, in the order Forward returns them — and copying out no other layer's.
    /// </summary>
    void ForwardInto(Batch batch, IReadOnlyList<int> layers, IReadOnlyList<double[]> outputs);
}
