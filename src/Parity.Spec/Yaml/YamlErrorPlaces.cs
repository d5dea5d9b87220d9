namespace Parity.Spec.Yaml;

/// <summary>
/// Where the mistake is, for the YAML errors that YamlDotNet reports without a useful position: a tab
/// in the indentation (reported at the file's start), the end of a file without a final line break
/// (reported on a line after the last) and a flow collection left open across lines (an
/// InvalidOperationException with no position at all). A light scan of the text, used only
/// once YamlDotNet has failed.
/// </summary>
static class YamlErrorPlaces
{
    /// <summary>The first tab in a line's indentation.</summary>
    public static SourceMark? FirstIndentingTab(string text, string file)
    {
        var lines = text.Split('\n');
        for (var line = 0; line < lines.Length; line++)
        {
            var indent = lines[line].Length - lines[line].TrimStart(' ', '\t').Length;
            var tab = lines[line].IndexOf('\t', 0, indent);
            if (tab >= 0)
                return new SourceMark(file, line + 1, tab + 1);
        }
        return null;
    }

    /// <summary>
    /// Where a file that ends without a line break ends, for an error YamlDotNet places at the end of the
    /// text: it counts one line more, a line the editor does not have.
    /// </summary>
    public static SourceMark? EndOfText(string text, string file, YamlDotNet.Core.Mark mark)
    {
        if (mark.Index < text.Length || text.Length == 0 || text[^1] is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029')
            return null;
        var lastLine = text[(text.LastIndexOfAny(['\n', '\r', '\u0085', '\u2028', '\u2029']) + 1)..];
        return new SourceMark(file, (int)Math.Max(1, mark.Line - 1), lastLine.Length + 1);
    }

    /// <summary>
    /// The innermost '[' or '{' still open at a line indented no deeper than the line the outermost one
    /// opened on (YAML ends a flow collection's lines there), or at the end. Outside brackets, a bracket
    /// or quote opens only where a value starts: at a line's start, after ': ', '- ' or a flow indicator.
    /// </summary>
    public static (SourceMark Mark, char Bracket)? UnclosedBracket(string text, string file)
    {
        var open = new Stack<(SourceMark Mark, char Bracket)>();
        var openerIndent = 0;
        char? quote = null;
        var lines = text.Split('\n');
        for (var line = 0; line < lines.Length; line++)
        {
            var content = lines[line].TrimStart(' ');
            var indent = lines[line].Length - content.Length;
            if (open.Count > 0 && quote is null && indent <= openerIndent && content.Trim().Length > 0 && content[0] != '#')
                return open.Peek();
            var previous = ':';
            for (var i = indent; i < lines[line].Length; i++)
            {
                var c = lines[line][i];
                if (quote is not null)
                {
                    if (c == '\\' && quote == '"')
                        i++;
                    else if (c == quote)
                        quote = null;
                    continue;
                }
                if (c == '#' && (i == 0 || char.IsWhiteSpace(lines[line][i - 1]) || lines[line][i - 1] is '[' or '{' or ']' or '}'))
                    break;
                var startsValue = previous is ':' or '-' or ',' or '[' or '{' or ']' or '}';
                if (startsValue && c is '\'' or '"')
                    quote = c;
                else if ((startsValue || open.Count > 0) && c is '[' or '{')
                {
                    if (open.Count == 0)
                        openerIndent = indent;
                    open.Push((new SourceMark(file, line + 1, i + 1), c));
                }
                else if (open.Count > 0 && c == Closer(open.Peek().Bracket))
                    open.Pop();
                if (!char.IsWhiteSpace(c))
                    previous = c is ':' or '-' && i + 1 < lines[line].Length && !char.IsWhiteSpace(lines[line][i + 1]) ? 'x' : c;
            }
        }
        return open.Count > 0 ? open.Peek() : null;
    }

    public static char Closer(char bracket) => bracket == '[' ? ']' : '}';
}
