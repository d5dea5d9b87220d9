using System.Text;
using System.Text.RegularExpressions;

namespace Parity.Spec.Yaml;

/// <summary>
/// Writes a spec's YAML tree back as text: the top-level keys one per line, each value in flow style
/// (<c>model: [linear: 8, tanh, linear: 1]</c>), as the built-in specs are written. Reading the text
/// back with <see cref="YamlTree"/> gives the same tree, positions aside.
/// </summary>
public static partial class YamlText
{
    public static string Write(MappingNode root)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in root.Entries)
            text.Append(Scalar(key.Value)).Append(": ").Append(Flow(value)).Append('\n');
        return text.ToString();
    }

    static string Flow(SpecNode node) => node switch
    {
        ScalarNode scalar => Scalar(scalar.Value),
        SequenceNode sequence => "[" + string.Join(", ", sequence.Items.Select(Flow)) + "]",
        MappingNode mapping => "{" + string.Join(", ", mapping.Entries.Select(e => $"{Scalar(e.Key.Value)}: {Flow(e.Value)}")) + "}",
        _ => throw new ArgumentException($"not a YAML node: {node.GetType().Name}", nameof(node)),
    };

    /// <summary>Plain when YAML reads it back as the same string in a flow collection, else double-quoted with YAML's escapes.</summary>
    static string Scalar(string value) => Plain().IsMatch(value)
        ? value
        : "\"" + string.Concat(value.Select(c => c switch
        {
            '\\' => "\\\\",
            '"' => "\\\"",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ when char.IsControl(c) => $"\\u{(int)c:X4}",
            _ => c.ToString(),
        })) + "\"";

    /// <summary>Letters, digits and the punctuation of numbers, words and paths, with no YAML indicator at the start and no space at either end.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_./+][A-Za-z0-9_./+\- ]*(?<! )$|^-[0-9.][A-Za-z0-9_.+\-]*$")]
    private static partial Regex Plain();
}
