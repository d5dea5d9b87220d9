using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Weight decay applied beside the momentum step, p ← p − lr·(b + wd·p), instead of added to the
/// gradient before it enters the buffer: the decay never accumulates momentum.
/// </summary>
sealed class WeightDecayAfterMomentum(IReadOnlyList<Parameter<double>> parameters, SgdOptions options) : IOptimizer
{
    readonly Sgd<double> _withoutDecay = new(parameters, options with { WeightDecay = 0 });

    public double Lr
    {
        get => _withoutDecay.Lr;
        set => _withoutDecay.Lr = value;
    }

    public IReadOnlyList<HostTensor> State() => _withoutDecay.State();

    public void SetState(IReadOnlyList<HostTensor> state) => _withoutDecay.SetState(state);

    public void Step()
    {
        var decay = parameters.Select(p => p.Value.Data.Select(value => Lr * options.WeightDecay * value).ToArray()).ToList();
        _withoutDecay.Step();
        for (var k = 0; k < parameters.Count; k++)
            for (var i = 0; i < decay[k].Length; i++)
                parameters[k].Value.Data[i] -= decay[k][i];
    }
}
