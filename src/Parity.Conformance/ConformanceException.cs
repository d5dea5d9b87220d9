namespace Parity.Conformance;

/// <summary>Thrown by <see cref="ConformanceKit.Verify"/> when a backend breaks the contract: every finding, one per line.</summary>
public sealed class ConformanceException(IReadOnlyList<ConformanceFinding> findings)
    : Exception($"the backend breaks the engine contract in {findings.Count} place{(findings.Count == 1 ? "" : "s")}:\n" + string.Join("\n", findings.Select(f => $"  {f}")))
{
    public IReadOnlyList<ConformanceFinding> Findings { get; } = findings;
}
