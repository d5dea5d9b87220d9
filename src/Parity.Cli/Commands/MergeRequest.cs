namespace Parity.Cli.Commands;

/// <summary>What <c>parity merge</c> is asked for: the shards' report folders or baseline files, where to write the joined one, and the baseline to judge regressions against (null: none) with its factor and margin.</summary>
public sealed record MergeRequest(IReadOnlyList<string> Parts, string Out, string? Baseline, double Factor, double Margin);
