namespace Parity.Harness.Training;

/// <summary>
/// One backend's parameters after each lockstep step. Through <see cref="IParametersInto"/>, when the backend has
/// it, they are read into two sets of arrays that take turns, so that the set a step returned stays intact while
/// the next is read (the trainer takes a step's gradients again from the parameters before it, at a jump); else
/// each read is GetParameters' own copy.
/// </summary>
public sealed class ParameterReader(IBackend backend)
{
    readonly (IReadOnlyList<HostTensor> Tensors, double[][] Arrays)?[] _sets = new (IReadOnlyList<HostTensor>, double[][])?[2];
    int _next;

    public IReadOnlyList<HostTensor> Read()
    {
        if (backend is not IParametersInto into)
            return backend.GetParameters();
        var index = _next;
        _next = 1 - _next;
        if (_sets[index] is not { } set)
        {
            // The first read of each set makes its arrays, with the values in them.
            var tensors = backend.GetParameters();
            _sets[index] = (tensors, [.. tensors.Select(t => t.Data)]);
            return tensors;
        }
        into.GetParametersInto(set.Arrays);
        return set.Tensors;
    }
}
