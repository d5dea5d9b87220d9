using Parity.Cli.Output;

namespace Parity.Cli.Reports;

/// <summary>
/// The folder a run's reports go into — <c>report</c>'s, <c>suite</c>'s, <c>merge</c>'s alike: claimed before any work,
/// each report and the run's own files (index, junit.xml, result.json) staged beside it, and swapped in whole at the end
/// (<see cref="OutputFolder"/>), so that an interrupted or failed run leaves the previous reports as they were.
/// </summary>
public sealed class ReportFolder : IDisposable
{
    readonly OutputFolder _folder;

    ReportFolder(OutputFolder folder) => _folder = folder;

    public static ReportFolder Claim(string path) => new(OutputFolder.Claim(path, "--out"));

    /// <summary>The folder the reports end up in.</summary>
    public string Target => _folder.Target;

    /// <summary>Where a report's folder is written meanwhile, by its path in the run (a spec's name, or <c>examples/FOLDER/SPEC</c>).</summary>
    public string Staged(string path) => Path.Combine(_folder.Staging, path);

    /// <summary>The run's own files beside its reports — index (README.md, index.html), junit.xml, result.json; returns the Markdown index.</summary>
    public string WriteIndex(RunResult run, IReadOnlyList<SpecResult> results, IReadOnlyList<ExampleResult> shown)
    {
        var index = ReportIndex.Markdown(run, results, shown);
        AtomicFile.Write(Staged("README.md"), index);
        AtomicFile.Write(Staged("index.html"), ReportIndex.Html(run, results, shown));
        AtomicFile.Write(Staged("junit.xml"), JunitReport.Write(results));
        AtomicFile.Write(Staged(RunResult.FileName), Json.Serialize(run));
        return index;
    }

    /// <summary>Puts the staged reports in the target's place.</summary>
    public void Commit() => _folder.Commit();

    public void Dispose() => _folder.Dispose();
}
