namespace Parity.Conformance.Tests.ContractBugs;

/// <summary>
/// RunLayerEvaluation written for dropout alone, which in evaluation passes its input through: every
/// layer run alone in evaluation hands back its input, so its layers in turn are not the model's Evaluate.
/// </summary>
sealed class LayerProbeEvaluationPassesThrough(IBackend inner) : ForwardingBackend(inner), ILayerProbe
{
    public LayerRun RunLayer(int layer, Batch batch, HostTensor input, HostTensor outputGradient) =>
        ((ILayerProbe)Inner).RunLayer(layer, batch, input, outputGradient);

    public HostTensor RunLayerEvaluation(int layer, Batch batch, HostTensor input) => input;
}
