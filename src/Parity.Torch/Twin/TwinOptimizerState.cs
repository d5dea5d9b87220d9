using System.Reflection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// TorchSharp's optimizer state (its state_dict's per-parameter State objects, in parameter order) under
/// the contract's names (<see cref="IOptimizerState"/>): the entries PyTorch's state_dict holds for the options
/// (<see cref="TwinOps.OptimizerStateKeysOf"/>), each the State's field of that name, and the optimizer's
/// <c>lr</c>, its param group's LearningRate. Written back through the same objects: state_dict() hands out
/// TorchSharp's live State objects, whose step count and buffers its step() reads.
/// </summary>
public static class TwinOptimizerState
{
    public static IReadOnlyList<HostTensor> Read(optim.Optimizer optimizer, IReadOnlyList<string> names, Described described)
    {
        var states = ((OptimizerHelper)optimizer).state_dict().State;
        var keys = TwinOps.OptimizerStateKeysOf(described);
        return [.. states.Zip(names).SelectMany(pair => keys.Select(key => (Name: $"{pair.Second}.{key}", Value: Field(pair.First, key).GetValue(pair.First)))
            .Where(entry => entry.Value is not null)
            .Select(entry => entry.Value is Tensor tensor ? HostTensors.ToHost(entry.Name, tensor) : new HostTensor(entry.Name, [], [Convert.ToDouble(entry.Value)]))),
            new HostTensor(OptimizerStateKeys.Lr, [], [optimizer.ParamGroups.First().LearningRate])];
    }

    /// <summary>
    /// Replaces the state: each buffer copied into TorchSharp's own tensor (made with the parameter's dtype where
    /// it has none yet), each number set; an entry left out takes what a fresh optimizer of the same options has
    /// (SGD's momentum_buffer none, made by the next step; Adagrad's sum its initial_accumulator_value; step 0).
    /// </summary>
    public static void Write(optim.Optimizer optimizer, IReadOnlyList<string> names, IReadOnlyList<long[]> shapes, ScalarType dtype, Described described, IReadOnlyList<HostTensor> state)
    {
        var byName = state.ToDictionary(entry => entry.Name);
        var keys = TwinOps.OptimizerStateKeysOf(described);
        var known = names.SelectMany(name => keys.Select(key => $"{name}.{key}")).Append(OptimizerStateKeys.Lr).ToHashSet();
        if (state.FirstOrDefault(entry => !known.Contains(entry.Name)) is { } unused)
            throw new ArgumentException($"optimizer state entry {unused.Name} is not one this optimizer's options use");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var states = ((OptimizerHelper)optimizer).state_dict().State;
        var fresh = ((OptimizerHelper)TwinOps.Optimizer([.. shapes.Select(shape => new Parameter(zeros(shape, dtype)))], described)).state_dict().State;
        for (var i = 0; i < states.Count; i++)
            foreach (var key in keys)
            {
                var field = Field(states[i], key);
                var current = field.GetValue(states[i]);
                object? value = byName.GetValueOrDefault($"{names[i]}.{key}") is { } entry
                    ? current switch
                    {
                        Tensor tensor => tensor.copy_(HostTensors.ToTorch(entry.Data, shapes[i], dtype)),
                        null when field.FieldType == typeof(Tensor) => HostTensors.ToTorch(entry.Data, shapes[i], dtype).DetachFromDisposeScope(),
                        _ => Convert.ChangeType(entry.Data[0], field.FieldType),
                    }
                    : (field.GetValue(fresh[i]), current) switch
                    {
                        (Tensor start, Tensor tensor) => tensor.copy_(start),
                        (Tensor start, null) => start.clone().DetachFromDisposeScope(),
                        (null, Tensor tensor) => Dropped(tensor),
                        var (start, _) => start,
                    };
                field.SetValue(states[i], value);
            }
        if (byName.GetValueOrDefault(OptimizerStateKeys.Lr) is { } lr)
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = lr.Data[0];
    }

    /// <summary>A buffer a fresh optimizer has not made yet: disposed, and the field left empty.</summary>
    static object? Dropped(Tensor tensor)
    {
        tensor.Dispose();
        return null;
    }

    /// <summary>The State's field named as PyTorch's state_dict key.</summary>
    static FieldInfo Field(OptimizerState state, string key) => state.GetType().GetField(key, BindingFlags.Public | BindingFlags.Instance)
        ?? throw new ArgumentException($"TorchSharp's {state.GetType().DeclaringType?.Name} state has no {key}");
}
