using System.Numerics;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.Engine.Optimizers;

/// <summary>An optimizer's state as the contract names it (<see cref="IOptimizerState"/>): copies, never during a step.</summary>
static class StateTensors
{
    public static HostTensor Of<T>(Parameter<T> parameter, string key, Matrix<T> buffer) where T : unmanaged, IFloatingPointIeee754<T> =>
        new($"{parameter.Name}.{key}", parameter.Shape, buffer.ToDoubles());

    public static HostTensor Step<T>(Parameter<T> parameter, int steps) where T : unmanaged, IFloatingPointIeee754<T> =>
        Scalar(parameter, OptimizerStateKeys.Step, steps);

    /// <summary>A per-parameter scalar entry (shape []), such as the step count or NAdam's mu_product.</summary>
    public static HostTensor Scalar<T>(Parameter<T> parameter, string key, double value) where T : unmanaged, IFloatingPointIeee754<T> =>
        new($"{parameter.Name}.{key}", [], [value]);
}

/// <summary>
/// A state given to <see cref="IOptimizer.SetState"/>, read entry by entry under the contract's names: every
/// entry is checked before any buffer changes (a refused state changes nothing), and one the optimizer does
/// not read is refused by name, so that a state meant for other options never passes silently.
/// </summary>
public sealed class StateReader
{
    readonly Dictionary<string, HostTensor> _entries;
    readonly HashSet<string> _read = [];

    public StateReader(IReadOnlyList<HostTensor> state)
    {
        _entries = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var entry in state)
            if (!_entries.TryAdd(entry.Name, entry))
                throw new ArgumentException($"optimizer state entry {entry.Name} is given twice");
    }

    /// <summary>The entry <c>parameter.key</c> of the parameter's shape, or null when the state leaves it out.</summary>
    public HostTensor? Buffer<T>(Parameter<T> parameter, string key) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var name = $"{parameter.Name}.{key}";
        _read.Add(name);
        if (!_entries.TryGetValue(name, out var entry))
            return null;
        if (!entry.Shape.SequenceEqual(parameter.Shape))
            throw new ArgumentException($"optimizer state entry {name} is {entry.ShapeText}, its parameter is [{string.Join(", ", parameter.Shape)}]");
        return entry;
    }

    /// <summary>The step count every parameter's <c>step</c> entry gives (0 when left out); the built-in optimizers keep one for all parameters.</summary>
    public int Steps<T>(IReadOnlyList<Parameter<T>> parameters) where T : unmanaged, IFloatingPointIeee754<T> =>
        (int)Scalar(parameters, OptimizerStateKeys.Step, 0, value => double.IsInteger(value) && value >= 0, "one whole number, the steps taken");

    /// <summary>
    /// The value every parameter's entry <paramref name="key"/> gives, a per-parameter scalar such as NAdam's mu_product
    /// (<paramref name="initial"/> when left out), each <paramref name="valid"/> as <paramref name="what"/> says; the
    /// built-in optimizers keep one for all parameters.
    /// </summary>
    public double Scalar<T>(IReadOnlyList<Parameter<T>> parameters, string key, double initial, Func<double, bool> valid, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = parameters.Select(p =>
        {
            var name = $"{p.Name}.{key}";
            _read.Add(name);
            return _entries.TryGetValue(name, out var entry) ? entry.Count == 1 && valid(entry.Data[0])
                ? entry.Data[0]
                : throw new ArgumentException($"optimizer state entry {name} must be {what}") : initial;
        }).Distinct().ToList();
        return values.Count <= 1 ? values.FirstOrDefault(initial) : throw new ArgumentException($"the optimizer state gives different values of {key} ({string.Join(", ", values)}); the built-in optimizers keep one for all parameters");
    }

    /// <summary>Refuses the entries no <see cref="Buffer"/> or <see cref="Steps"/> call asked for.</summary>
    public void Finish()
    {
        if (_entries.Keys.FirstOrDefault(name => !_read.Contains(name)) is { } unused)
            throw new ArgumentException($"optimizer state entry {unused} is not one this optimizer's options use");
    }

    /// <summary>Copies <paramref name="entry"/> into <paramref name="buffer"/>, or fills it with <paramref name="initial"/> when the state leaves it out.</summary>
    public static void Load<T>(HostTensor? entry, Matrix<T> buffer, double initial = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (entry is null)
            Array.Fill(buffer.Data, T.CreateChecked(initial));
        else
            buffer.CopyFrom(entry.Data);
    }
}
