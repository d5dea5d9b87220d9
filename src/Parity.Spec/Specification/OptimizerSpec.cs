namespace Parity.Spec;

/// <summary>The spec's optimizer, one of torch.optim's, with its options; <see cref="Describe"/> is its kind and options in PyTorch's names.</summary>
public abstract record OptimizerSpec(double Lr)
{
    public abstract Described Describe();
}
