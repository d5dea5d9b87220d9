using Parity.Harness.Shrinking;

namespace Parity.Cli.Commands;

/// <summary>What <c>parity shrink</c> is asked for: the failing spec, the engine, the folder to write the reproduction to, the budget of tries and seconds, and the JSON to write.</summary>
public sealed record ShrinkRequest(string Spec, string Engine, string? Out, ShrinkBudget Budget, string? Json);
