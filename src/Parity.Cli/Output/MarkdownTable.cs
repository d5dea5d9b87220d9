using System.Text;

namespace Parity.Cli.Output;

/// <summary>A GitHub Markdown table: the header, its separator, then one line per row of cells already written as Markdown.</summary>
public static class MarkdownTable
{
    public static StringBuilder AppendTable(this StringBuilder text, IReadOnlyList<string> columns, IEnumerable<IEnumerable<string>> rows)
    {
        text.AppendLine($"| {string.Join(" | ", columns)} |").AppendLine($"|{string.Concat(columns.Select(_ => "---|"))}");
        foreach (var row in rows)
            text.AppendLine($"| {string.Join(" | ", row)} |");
        return text;
    }

    /// <summary>A plain text as one cell: a '|' would end the cell.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|");
}
