namespace Parity.Spec;

/// <summary>The spec's optimizer: its catalogue entry and every option's value, by torch.optim's names.</summary>
public sealed record OptimizerSpec(OptimizerOp Op, OpSettings Settings)
{
    public string Keyword => Op.Keyword;

    public double Lr => Settings.Number("lr");

    /// <summary>The model description's optimizer: its kind and every option, in PyTorch's names.</summary>
    public Described Describe() => new(Op.Keyword, Settings.ToJson());

    /// <summary>The state entries of each parameter this optimizer keeps, in the order one update computes them.</summary>
    public IReadOnlyList<string> StateKeys => Op.StateKeys(Settings);
}
