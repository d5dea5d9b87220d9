using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>
/// Replaces the lines of a Markdown file between the lines <c>&lt;!-- parity:NAME:begin --&gt;</c>
/// and <c>&lt;!-- parity:NAME:end --&gt;</c> (each alone on its line, so prose may mention them)
/// with generated text, so that the figures a page shows (the repository's are in docs/results.md) are the tool's own output.
/// </summary>
public static class ReadmeSection
{
    public static void Replace(string path, string name, string markdown)
    {
        var (begin, end) = Markers(name);
        if (!File.Exists(path))
            throw new InputException($"{path}: no such file to update");
        var lines = File.ReadAllLines(path).ToList();
        var (start, stop) = (lines.IndexOf(begin), lines.IndexOf(end));
        if (start < 0 || stop < start)
            throw new InputException($"{path}: has no section to update; add the lines {begin} and {end} where the table goes");
        lines.RemoveRange(start + 1, stop - start - 1);
        lines.InsertRange(start + 1, markdown.TrimEnd().Split('\n'));
        AtomicFile.Write(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Fails early, before any work, when the file could not be updated later.</summary>
    public static string CheckUpdatable(string path, string name)
    {
        var (begin, end) = Markers(name);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new InputException($"{path}: no such file to update");
        var lines = File.ReadAllLines(full);
        if (!lines.Contains(begin) || !lines.Contains(end))
            throw new InputException($"{path}: has no section to update; add the lines {begin} and {end} where the table goes");
        return full;
    }

    static (string Begin, string End) Markers(string name) => ($"<!-- parity:{name}:begin -->", $"<!-- parity:{name}:end -->");
}
