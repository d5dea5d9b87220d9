using Parity.Engine.Modules;
using Parity.Engine.Optimizers;
using Parity.Spec;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>clip_grad_norm_ called once per parameter: each tensor is scaled by its own norm, not by one norm over all the gradients.</summary>
static class ClipNormPerTensor
{
    public static void Apply(ClipSpec clip, IReadOnlyList<Parameter<double>> parameters)
    {
        foreach (var parameter in parameters)
            GradientClipping.Apply(clip, [parameter]);
    }
}
