using System.Text;

namespace Parity.Cli.Output;

/// <summary>
/// Text from outside Parity — a spec's description and <c>expect.reported</c>, an engine's name — written
/// into Markdown as the words it is and nothing more: no HTML comment that swallows the rest of a report,
/// no heading, list, table cell break, link, image, emphasis, code span or math. report.html escapes the
/// same text for HTML.
/// </summary>
public static class MarkdownText
{
    /// <summary>Every character Markdown (CommonMark, and GitHub's tables, strikethrough and math) reads as markup anywhere in a line, escaped with a backslash.</summary>
    const string Markup = "\\`*_[]<>|~&!#$";

    /// <summary>
    /// One line: line breaks become spaces (a blank line would start a block of its own); markup is escaped,
    /// and so is what starts a block only at the start of a line: <c>-</c>, <c>+</c>, <c>=</c>, and the
    /// <c>.</c> or <c>)</c> of an ordered list's number (<c>1. </c>, not <c>97.7</c>).
    /// </summary>
    public static string Inert(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var inert = new StringBuilder(line.Length + 8);
        var digits = line.TakeWhile(char.IsAsciiDigit).Count();
        var listNumber = digits > 0 && digits < line.Length && line[digits] is '.' or ')' && (digits + 1 == line.Length || line[digits + 1] == ' ');
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            var startsBlock = (i == 0 && c is '-' or '+' or '=') || (i == digits && listNumber);
            if (startsBlock || Markup.Contains(c))
                inert.Append('\\');
            inert.Append(c);
        }
        return inert.ToString();
    }
}
