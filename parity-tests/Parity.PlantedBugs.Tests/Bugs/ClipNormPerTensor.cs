using Parity.Engine.Modules;
using Parity.Engine.Optimizers;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>clip_grad_norm_ called once per parameter: each tensor is scaled by its own norm, not by one norm over all the gradients.</summary>
static class ClipNormPerTensor
{
    public static Action<IReadOnlyList<Parameter<double>>> Create(Described clip)
    {
        var maxNorm = clip.Number("max_norm");
        return parameters =>
        {
            foreach (var parameter in parameters)
                GradientClipping.ByNorm([parameter], maxNorm);
        };
    }
}
