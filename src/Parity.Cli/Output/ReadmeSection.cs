using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>
/// Replaces the part of a Markdown file between <c>&lt;!-- parity:NAME:begin --&gt;</c> and
/// <c>&lt;!-- parity:NAME:end --&gt;</c> with generated text, so that the figures a README shows are
/// the tool's own output.
/// </summary>
public static class ReadmeSection
{
    public static void Replace(string path, string name, string markdown)
    {
        var (begin, end) = Markers(name);
        if (!File.Exists(path))
            throw new InputException($"{path}: no such file to update");
        var text = File.ReadAllText(path);
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        if (start < 0 || stop < start)
            throw new InputException($"{path}: has no section to update; add the lines {begin} and {end} where the table goes");
        AtomicFile.Write(path, text[..(start + begin.Length)] + "\n" + markdown.TrimEnd() + "\n" + text[stop..]);
    }

    /// <summary>Fails early, before any work, when the file could not be updated later.</summary>
    public static string CheckUpdatable(string path, string name)
    {
        var (begin, end) = Markers(name);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new InputException($"{path}: no such file to update");
        var text = File.ReadAllText(full);
        if (!text.Contains(begin, StringComparison.Ordinal) || !text.Contains(end, StringComparison.Ordinal))
            throw new InputException($"{path}: has no section to update; add the lines {begin} and {end} where the table goes");
        return full;
    }

    static (string Begin, string End) Markers(string name) => ($"<!-- parity:{name}:begin -->", $"<!-- parity:{name}:end -->");
}
