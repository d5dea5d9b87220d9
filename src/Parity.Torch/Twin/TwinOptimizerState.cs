using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// TorchSharp's optimizer state (its state_dict's per-parameter State objects, in parameter order) under
/// the contract's names (<see cref="IOptimizerState"/>): only the entries the options use, as PyTorch's
/// state_dict holds them (max_exp_avg_sq with amsgrad, momentum_buffer with momentum, grad_avg when centered).
/// </summary>
public static class TwinOptimizerState
{
    public static IReadOnlyList<HostTensor> Read(optim.Optimizer optimizer, IReadOnlyList<string> names, Described described)
    {
        var states = ((OptimizerHelper)optimizer).state_dict().State;
        return [.. states.Zip(names).SelectMany(pair => Entries(pair.First, described)
            .Where(entry => entry.Value is not null)
            .Select(entry => entry.Value is Tensor tensor ? HostTensors.ToHost($"{pair.Second}.{entry.Key}", tensor) : new HostTensor($"{pair.Second}.{entry.Key}", [], [(long)entry.Value!])))];
    }

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
