using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>
/// Adam from the paper's first lines only: m and v are kept, but never divided by 1 − β₁ᵗ and
/// 1 − β₂ᵗ, so the first steps are off by √(1 − β₂ᵗ) / (1 − β₁ᵗ) (about 3× at step 1 with the defaults).
/// </summary>
sealed class AdamWithoutBiasCorrection(IReadOnlyList<Parameter<double>> parameters, AdamOptions options) : IOptimizer
{
    readonly double[][] _m = [.. parameters.Select(p => new double[p.Value.Data.Length])];
    readonly double[][] _v = [.. parameters.Select(p => new double[p.Value.Data.Length])];

    public double Lr { get; set; } = options.Lr;

    public IReadOnlyList<HostTensor> State() => [.. ElementState.Of(parameters, "exp_avg", _m), .. ElementState.Of(parameters, "exp_avg_sq", _v)];

    public void SetState(IReadOnlyList<HostTensor> state)
    {
        var reader = new StateReader(state);
        // No step count is kept: the bias corrections that would need it are what is missing.
        reader.Steps(parameters);
        ElementState.Load(reader, parameters, "exp_avg", _m);
        ElementState.Load(reader, parameters, "exp_avg_sq", _v);
        reader.Finish();
    }

    public void Step()
    {
        for (var k = 0; k < parameters.Count; k++)
            for (var i = 0; i < _m[k].Length; i++)
            {
                var g = parameters[k].Grad.Data[i] + options.WeightDecay * parameters[k].Value.Data[i];
                _m[k][i] = options.Beta1 * _m[k][i] + (1 - options.Beta1) * g;
                _v[k][i] = options.Beta2 * _v[k][i] + (1 - options.Beta2) * g * g;
                parameters[k].Value.Data[i] -= Lr * _m[k][i] / (Math.Sqrt(_v[k][i]) + options.Eps);
            }
    }
}
