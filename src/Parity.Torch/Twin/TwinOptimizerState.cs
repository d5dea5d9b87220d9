using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// TorchSharp's optimizer state (its state_dict's per-parameter State objects, in parameter order) under
/// the contract's names (<see cref="IOptimizerState"/>): only the entries the options use, as PyTorch's
/// state_dict holds them (max_exp_avg_sq with amsgrad, momentum_buffer with momentum, grad_avg when centered),
/// and the optimizer's <c>lr</c>, its param group's LearningRate. Written back through the same objects:
/// state_dict() hands out TorchSharp's live State objects, whose step count and buffers its step() reads.
/// </summary>
public static class TwinOptimizerState
{
    const string LrEntry = "lr";

    public static IReadOnlyList<HostTensor> Read(optim.Optimizer optimizer, IReadOnlyList<string> names, Described described)
    {
        var states = ((OptimizerHelper)optimizer).state_dict().State;
        return [.. states.Zip(names).SelectMany(pair => Entries(pair.First, described)
            .Where(entry => entry.Value is not null)
            .Select(entry => entry.Value is Tensor tensor ? HostTensors.ToHost($"{pair.Second}.{entry.Key}", tensor) : new HostTensor($"{pair.Second}.{entry.Key}", [], [(long)entry.Value!]))),
            new HostTensor(LrEntry, [], [optimizer.ParamGroups.First().LearningRate])];
    }

    /// <summary>
    /// Replaces the state: each buffer copied into TorchSharp's own tensor (made with the parameter's dtype where
    /// it has none yet), each step count set; a buffer left out is dropped (SGD's momentum_buffer, which
    /// TorchSharp makes on the next step) or zeroed with step 0, as a fresh optimizer has it.
    /// </summary>
    public static void Write(optim.Optimizer optimizer, IReadOnlyList<string> names, IReadOnlyList<long[]> shapes, ScalarType dtype, Described described, IReadOnlyList<HostTensor> state)
    {
        var byName = state.ToDictionary(entry => entry.Name);
        var states = ((OptimizerHelper)optimizer).state_dict().State;
        var known = states.Zip(names).SelectMany(pair => Entries(pair.First, described).Where(e => e.Key == "step" || e.Value is not null || Creatable(pair.First, e.Key, described))
            .Select(e => $"{pair.Second}.{e.Key}")).Append(LrEntry).ToHashSet();
        if (state.FirstOrDefault(entry => !known.Contains(entry.Name)) is { } unused)
            throw new ArgumentException($"optimizer state entry {unused.Name} is not one this optimizer's options use");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var i = 0; i < states.Count; i++)
        {
            HostTensor? Entry(string key) => byName.GetValueOrDefault($"{names[i]}.{key}");
            Tensor? Buffer(Tensor? current, string key) => Entry(key) is { } entry
                ? current is null ? HostTensors.ToTorch(entry.Data, shapes[i], dtype).DetachFromDisposeScope() : current.copy_(HostTensors.ToTorch(entry.Data, shapes[i], dtype))
                : current?.zero_();
            var step = (long)(Entry("step")?.Data[0] ?? 0);
            switch (states[i])
            {
                case Adam.State adam:
                    (adam.step, adam.exp_avg, adam.exp_avg_sq, adam.max_exp_avg_sq) = (step, Buffer(adam.exp_avg, "exp_avg")!, Buffer(adam.exp_avg_sq, "exp_avg_sq")!, Buffer(adam.max_exp_avg_sq, "max_exp_avg_sq"));
                    break;
                case AdamW.State adamw:
                    (adamw.step, adamw.exp_avg, adamw.exp_avg_sq, adamw.max_exp_avg_sq) = (step, Buffer(adamw.exp_avg, "exp_avg")!, Buffer(adamw.exp_avg_sq, "exp_avg_sq")!, Buffer(adamw.max_exp_avg_sq, "max_exp_avg_sq"));
                    break;
                case RMSProp.State rmsprop:
                    (rmsprop.step, rmsprop.square_avg, rmsprop.momentum_buffer, rmsprop.grad_avg) = (step, Buffer(rmsprop.square_avg, "square_avg")!, Buffer(rmsprop.momentum_buffer, "momentum_buffer"), Buffer(rmsprop.grad_avg, "grad_avg"));
                    break;
                case Adagrad.State adagrad:
                    // A fresh Adagrad's sum is initial_accumulator_value, not zero.
                    (adagrad.step, adagrad.sum) = (step, Entry("sum") is null ? adagrad.sum.fill_(described.Number("initial_accumulator_value", 0)) : Buffer(adagrad.sum, "sum")!);
                    break;
                case SGD.State sgd when Entry("momentum_buffer") is null:
                    sgd.momentum_buffer?.Dispose();
                    sgd.momentum_buffer = null!;
                    break;
                case SGD.State sgd:
                    sgd.momentum_buffer = Buffer(sgd.momentum_buffer, "momentum_buffer")!;
                    break;
            }
        }
        if (byName.GetValueOrDefault(LrEntry) is { } lr)
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = lr.Data[0];
    }

    /// <summary>SGD's momentum_buffer, made by its first step: settable before it exists when the options use momentum.</summary>
    static bool Creatable(OptimizerState state, string key, Described options) =>
        state is SGD.State && key == "momentum_buffer" && options.Number("momentum", 0) != 0;

    static IEnumerable<KeyValuePair<string, object?>> Entries(OptimizerState state, Described options) => state switch
    {
        Adam.State adam => Adamish(adam.step, adam.exp_avg, adam.exp_avg_sq, adam.max_exp_avg_sq, options),
        AdamW.State adamw => Adamish(adamw.step, adamw.exp_avg, adamw.exp_avg_sq, adamw.max_exp_avg_sq, options),
        RMSProp.State rmsprop =>
        [
            new("step", rmsprop.step), new("square_avg", rmsprop.square_avg),
            new("momentum_buffer", options.Number("momentum", 0) > 0 ? rmsprop.momentum_buffer : null),
            new("grad_avg", options.Flag("centered") ? rmsprop.grad_avg : null),
        ],
        Adagrad.State adagrad => [new("step", adagrad.step), new("sum", adagrad.sum)],
        SGD.State sgd => [new("momentum_buffer", options.Number("momentum", 0) != 0 ? sgd.momentum_buffer : null)],
        _ => [],
    };

    static KeyValuePair<string, object?>[] Adamish(long step, Tensor expAvg, Tensor expAvgSq, Tensor? maxExpAvgSq, Described options) =>
        [new("step", step), new("exp_avg", expAvg), new("exp_avg_sq", expAvgSq), new("max_exp_avg_sq", options.Flag("amsgrad") ? maxExpAvgSq : null)];
}
