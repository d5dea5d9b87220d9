namespace Parity.Conformance;

/// <summary>One way a backend breaks the contract: the check that found it, the case it ran on, and what it saw.</summary>
public sealed record ConformanceFinding(string Check, string Case, string Problem)
{
    public override string ToString() => $"{Check} on {Case}: {Problem}";
}
