using System.Globalization;
using System.Text;

namespace Parity.Spec;

/// <summary>
/// A user's mistake — a malformed spec, a missing file, a wrong argument. The command line prints its
/// message alone (no stack trace) and exits with code 2. The message is kept to one printable line:
/// text echoed from a file or a path may hold line breaks or terminal escapes.
/// </summary>
public class InputException(string message) : Exception(OneLine(message))
{
    /// <summary>Control characters, line separators and invisible format characters written as escapes (\n, \u001B, \uFEFF), everything else as it is.</summary>
    public static string OneLine(string text)
    {
        if (!text.Any(NeedsEscape))
            return text;
        var line = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            line.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when NeedsEscape(c) => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        return line.ToString();
    }

    static bool NeedsEscape(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}

/// <summary>A place in a spec file, 1-based as editors show it.</summary>
public readonly record struct SourceMark(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>A spec error: the message starts with file:line:col so editors and CI logs can jump to it.</summary>
public sealed class SpecException(SourceMark mark, string problem) : InputException($"{mark}: {problem}")
{
    public SourceMark Mark { get; } = mark;
    public string Problem { get; } = OneLine(problem);
}
