using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// A planted optimizer's buffers (one array per parameter) under the contract's names, read and written as
/// the built-in optimizers do, so that the checks compare and teacher-force the state the bug keeps.
/// </summary>
static class ElementState
{
    public static IEnumerable<HostTensor> Of(IReadOnlyList<Parameter<double>> parameters, string key, double[][] buffers) =>
        parameters.Select((p, k) => new HostTensor($"{p.Name}.{key}", p.Shape, (double[])buffers[k].Clone()));

    /// <summary>The entries of <paramref name="key"/> copied into <paramref name="buffers"/>; zeros where the state has none yet. Whether any was given.</summary>
    public static bool Load(StateReader reader, IReadOnlyList<Parameter<double>> parameters, string key, double[][] buffers)
    {
        var given = false;
        for (var k = 0; k < parameters.Count; k++)
            if (reader.Buffer(parameters[k], key) is { } entry)
            {
                entry.Data.CopyTo(buffers[k], 0);
                given = true;
            }
            else
                Array.Clear(buffers[k]);
        return given;
    }
}
