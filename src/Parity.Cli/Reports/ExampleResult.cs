using Parity.Cli.Examples;

namespace Parity.Cli.Reports;

/// <summary>An example engine's report with its planted bug on; the bug is caught when the report fails.</summary>
public sealed record ExampleResult(ExampleEngine Example, SpecResult Result)
{
    public bool Caught => !Result.Passed;

    /// <summary>The report's folder under the index: <c>examples/numpy-engine/disk-three-layers</c>.</summary>
    public string Path => PathOf(Example, Result.Spec);

    public static string PathOf(ExampleEngine example, string spec) => $"examples/{example.Folder}/{spec}";

    /// <summary>The diagnosis's first line, what the index shows of each.</summary>
    public string Headline => Result.Check.Diagnosis.FirstOrDefault() ?? (Caught ? Result.Train.Verdict : "not caught: the report passed");
}
