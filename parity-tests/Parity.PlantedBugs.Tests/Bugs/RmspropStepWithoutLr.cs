using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// RMSprop with momentum whose step forgets the learning rate, p ← p − b where PyTorch steps p ← p − lr·b: the
/// buffer and every other state entry are PyTorch's, and every update is 1/lr times too large. It reports and
/// accepts the learning rate as usual (teacher forcing sets it), and never uses it. Not in the catalogue: the
/// diagnosis names it by its part and its uniform scale, without a hypothesis of its own.
/// </summary>
sealed class RmspropStepWithoutLr(IReadOnlyList<Parameter<double>> parameters, RmspropOptions options) : IOptimizer
{
    readonly Rmsprop<double> _unscaled = new(parameters, options with { Lr = 1 });

    public double Lr { get; set; } = options.Lr;

    public IReadOnlyList<HostTensor> State() => _unscaled.State();

    public void SetState(IReadOnlyList<HostTensor> state) => _unscaled.SetState(state);

    public void Step() => _unscaled.Step();
}
