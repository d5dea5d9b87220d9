namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>
/// RunLayer of a residual block written as if it were its layers alone: its backward drops the skip path, so the
/// gradient it passes back is its layers' only, short of the upstream gradient the skip carries straight to its input.
/// </summary>
sealed class LayerProbeDropsTheSkip(IBackend inner, ModelDescription model) : ForwardingBackend(inner), ILayerProbe
{
    public LayerRun RunLayer(int layer, Batch batch, HostTensor input, HostTensor outputGradient)
    {
        var run = ((ILayerProbe)Inner).RunLayer(layer, batch, input, outputGradient);
        return model.Layers[layer].Kind != "residual" ? run
            : run with { Input = run.Input with { Data = [.. run.Input.Data.Zip(outputGradient.Data, (all, skip) => all - skip)] } };
    }

    public HostTensor RunLayerEvaluation(int layer, Batch batch, HostTensor input) => ((ILayerProbe)Inner).RunLayerEvaluation(layer, batch, input);
}
