namespace Parity.TestSupport;

/// <summary>A backend that hands every call to another: a planted bug (a contract bug, a failing step) overrides the one call it breaks.</summary>
abstract class ForwardingBackend(IBackend inner) : IBackend
{
    protected IBackend Inner => inner;

    public string Name => inner.Name;

    public virtual IReadOnlyList<HostTensor> GetParameters() => inner.GetParameters();

    public virtual void SetParameters(IReadOnlyList<HostTensor> parameters) => inner.SetParameters(parameters);

    public virtual IReadOnlyList<HostTensor> Forward(Batch batch) => inner.Forward(batch);

    public virtual Gradients ComputeGradients(Batch batch) => inner.ComputeGradients(batch);

    public virtual void Step() => inner.Step();

    public virtual double TrainStep(Batch batch) => inner.TrainStep(batch);

    public virtual Evaluation Evaluate(Batch batch) => inner.Evaluate(batch);

    public virtual void EndEpoch() => inner.EndEpoch();

    public void Dispose() => inner.Dispose();
}
