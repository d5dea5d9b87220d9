using System.Globalization;

namespace Parity.Spec.Yaml;

/// <summary>Typed reading of scalar nodes, each failure naming the key, the value found and what fits.</summary>
public static class Scalars
{
    public static string Text(SpecNode node, string path) => node is ScalarNode scalar
        ? scalar.Value
        : throw new SpecException(node.Mark, $"'{path}' must be a single value, not a {KindOf(node)}");

    public static double Number(SpecNode node, string path, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false)
    {
        var text = Text(node, path);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new SpecException(node.Mark, $"'{path}' must be a finite number, not {Quote(text)}");
        if (value < min || value > max || (exclusiveMin && value == min))
            throw new SpecException(node.Mark, $"'{path}' is {Shown(text)}; it must be {Range(min, max, exclusiveMin)}");
        return value;
    }

    public static long Integer(SpecNode node, string path, long min, long max)
    {
        var text = Text(node, path);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new SpecException(node.Mark, $"'{path}' must be a whole number, not {Quote(text)}");
        if (value < min || value > max)
            throw new SpecException(node.Mark, $"'{path}' is {Shown(text)}; it must be {Range(min, max == long.MaxValue ? double.PositiveInfinity : max, false)}");
        return value;
    }

    public static bool Boolean(SpecNode node, string path) => Text(node, path) switch
    {
        "true" or "True" or "yes" => true,
        "false" or "False" or "no" => false,
        var text => throw new SpecException(node.Mark, $"'{path}' must be true or false, not {Quote(text)}"),
    };

    /// <summary>One of a fixed set of words, mapped to its meaning.</summary>
    public static T Choice<T>(SpecNode node, string path, IReadOnlyDictionary<string, T> options)
    {
        var text = Text(node, path);
        return options.TryGetValue(text, out var value)
            ? value
            : throw new SpecException(node.Mark, $"'{path}' cannot be {Quote(text)}; {ClosestWord.Hint(text, options.Keys.ToArray())}");
    }

    /// <summary>
    /// A choice written either as a bare word (<c>relu</c>) or as a one-key mapping carrying settings
    /// (<c>{leaky-relu: {slope: 0.01}}</c>). Returns the word, its node and the settings node, if any.
    /// </summary>
    public static (ScalarNode Word, SpecNode? Settings) WordWithSettings(SpecNode node, string path)
    {
        switch (node)
        {
            case ScalarNode scalar:
                return (scalar, null);
            case MappingNode { Entries.Count: 1 } mapping:
                return (mapping.Entries[0].Key, mapping.Entries[0].Value);
            default:
                throw new SpecException(node.Mark, $"'{path}' must be a word or a one-key mapping such as {{name: settings}}");
        }
    }

    /// <summary>A value of the file as a message quotes it: on one line, and cut short when long.</summary>
    public static string Quote(string text) => text.Length <= ShownLength
        ? $"'{InputException.OneLine(text)}'"
        : $"'{InputException.OneLine(text[..ShownLength])}…' ({text.Length} characters)";

    /// <summary><see cref="Quote"/> without the quotes, for numbers.</summary>
    public static string Shown(string text) => text.Length <= ShownLength
        ? InputException.OneLine(text)
        : $"{InputException.OneLine(text[..ShownLength])}… ({text.Length} characters)";

    const int ShownLength = 40;

    static string KindOf(SpecNode node) => node is MappingNode ? "mapping" : "list";

    static string Range(double min, double max, bool exclusiveMin)
    {
        var low = double.IsNegativeInfinity(min) ? null : (exclusiveMin ? $"> {F(min)}" : $">= {F(min)}");
        var high = double.IsPositiveInfinity(max) ? null : $"<= {F(max)}";
        return string.Join(" and ", new[] { low, high }.Where(s => s is not null));
    }

    static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
