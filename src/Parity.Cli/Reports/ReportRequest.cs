using Parity.Cli.Examples;
using Parity.Cli.Sharding;
using Parity.Harness.Shrinking;

namespace Parity.Cli.Reports;

/// <summary>
/// What a run of reports is asked for (<c>parity report</c>, <c>parity suite</c>): the specs (a file or a folder), the
/// shard of them, the engine under test, the report folder, the Markdown file to write the results table into, the
/// example engines whose planted bugs must be caught, the shrink budget for a failing check (null: no shrinking),
/// whether to take the examples' reports alone (<c>parity suite --examples-only</c>), whether to take them in a second
/// process meanwhile (<c>parity suite</c>: that command, <see cref="ExamplesAside"/>) rather than here after the specs',
/// and whether the wall seconds measured refresh the specs' cost file.
/// </summary>
public sealed record ReportRequest(string Specs, Shard Shard, string Engine, string Out, string? Readme = null,
    IReadOnlyList<ExampleEngine>? Examples = null, ShrinkBudget? Shrink = null, bool ExamplesOnly = false, bool ExamplesAside = false, bool RefreshCosts = false);
