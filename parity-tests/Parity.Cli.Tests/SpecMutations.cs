using System.Text;
using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

/// <summary>
/// Seeded damage to a valid spec, the kinds a hand-edited or half-copied YAML file suffers: keys
/// deleted, duplicated or retyped, values of the wrong type, huge, negative and non-finite numbers,
/// tabs, stray YAML indicators, deep nesting, and at the byte level truncation, invalid UTF-8 and
/// control bytes. One to three mutations per spec, chosen by the seed alone.
/// </summary>
static partial class SpecMutations
{
    static readonly string[] Keys =
        ["name", "seed", "dtype", "data", "source", "train", "test", "validation", "classes", "path", "target", "model", "linear", "out", "bias",
         "relu", "leaky-relu", "slope", "init", "loss", "kind", "reduction", "targets", "optimizer", "sgd", "lr", "momentum", "dampening",
         "weight_decay", "nesterov", "schedule", "exponential", "step", "size", "gamma", "clip", "norm", "value", "epochs", "batch", "shuffle",
         "tolerance", "gradient", "gradcheck", "atol", "rtol", "eps", "expect", "test_accuracy", "grid", "select", "description"];

    static readonly string[] WrongValues =
        ["[1, 2]", "{a: 1}", "[]", "{}", "hello", "true", "~", "null", "''", "\"3\"", "- x", "2024-01-01", "!!binary aGk=", "|\n  text", ">-", "\"\\u0000\"", "'a\nb'", "\"two\\nlines\"", "\"\\e[31mred\"", "\"\\u2028\""];

    static readonly string[] ExtremeNumbers =
        ["1e308", "1e309", "-1e309", "-1", "-0", "0", "0.5", "-0.5", "2147483647", "2147483648", "-2147483649", "9223372036854775807",
         "9223372036854775808", "99999999999999999999999", "4294967296", "1e-320", ".nan", ".NaN", "NaN", ".inf", "-.inf", "Infinity", "-Infinity",
         "0x10", "1_000", "+5", "1e6", "1000000", "10000001", "65536", "0.9", "1.0000001", "1e-300"];

    static readonly (string Name, Func<string, Random, string> Apply)[] TextMutations =
    [
        ("delete key", (text, r) => WithLines(text, lines => lines.RemoveAt(r.Next(lines.Count)))),
        ("duplicate key", (text, r) => WithLines(text, lines => { var i = r.Next(lines.Count); lines.Insert(i, lines[i]); })),
        ("retype key", RetypeKey),
        ("wrong type", (text, r) => ReplaceOne(text, ValuePattern(), r, _ => Pick(WrongValues, r))),
        ("extreme number", (text, r) => ReplaceOne(text, NumberPattern(), r, _ => Pick(ExtremeNumbers, r))),
        ("tab", (text, r) => r.Next(2) == 0
            ? ReplaceOne(text, SpacePattern(), r, _ => "\t")
            : WithLines(text, lines => { var i = r.Next(lines.Count); lines[i] = "\t" + lines[i]; })),
        ("yaml indicator", (text, r) => text.Insert(r.Next(text.Length + 1), Pick(["[", "]", "{", "}", ":", ": ", "- ", "#", "&a ", "*a", "!", "!!str ", "|", ">", "%", "@", "`", "'", "\"", ",", "?", "---\n", "...\n"], r))),
        ("indentation", (text, r) => WithLines(text, lines =>
        {
            var i = r.Next(lines.Count);
            lines[i] = r.Next(2) == 0 ? "  " + lines[i] : lines[i].TrimStart();
        })),
        ("swap lines", (text, r) => WithLines(text, lines =>
        {
            var (i, j) = (r.Next(lines.Count), r.Next(lines.Count));
            (lines[i], lines[j]) = (lines[j], lines[i]);
        })),
        ("deep nesting", (text, r) =>
        {
            var depth = Pick([50, 500, 20_000], r);
            return ReplaceOne(text, ValuePattern(), r, _ => new string('[', depth) + "1" + new string(']', r.Next(2) == 0 ? depth : 0));
        }),
        ("long value", (text, r) => ReplaceOne(text, ValuePattern(), r, _ => new string('9', Pick([400, 100_000], r)))),
    ];

    static readonly (string Name, Func<byte[], Random, byte[]> Apply)[] ByteMutations =
    [
        ("truncate", (bytes, r) => bytes[..r.Next(bytes.Length + 1)]),
        ("invalid utf-8", (bytes, r) => Insert(bytes, r, Pick<byte[]>([[0xFF], [0xC3], [0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]], r))),
        ("control byte", (bytes, r) => Insert(bytes, r, Pick<byte[]>([[0x00], [0x01], [0x07], [0x0B], [0x0C], [0x0D], [0x1B], [0x7F], [0xEF, 0xBB, 0xBF], [0xC2, 0x85], [0xE2, 0x80, 0xA8]], r))),
    ];

    public static IEnumerable<string> Kinds => TextMutations.Select(m => m.Name).Concat(ByteMutations.Select(m => m.Name));

    /// <summary>The damaged file's bytes and the names of the mutations applied, in order.</summary>
    public static (byte[] Bytes, IReadOnlyList<string> Applied) Mutate(string spec, Random random)
    {
        var applied = new List<string>();
        var text = spec;
        var byteLevel = new List<(string Name, Func<byte[], Random, byte[]> Apply)>();
        for (var count = random.Next(1, 4); count > 0; count--)
        {
            var pick = random.Next(TextMutations.Length + ByteMutations.Length);
            if (pick < TextMutations.Length)
            {
                text = TextMutations[pick].Apply(text, random);
                applied.Add(TextMutations[pick].Name);
            }
            else
                byteLevel.Add(ByteMutations[pick - TextMutations.Length]);
        }
        // Bytes are damaged last, so that a text mutation never repairs an encoding error.
        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var (name, apply) in byteLevel)
        {
            bytes = apply(bytes, random);
            applied.Add(name);
        }
        return (bytes, applied);
    }

    static string RetypeKey(string text, Random random) => ReplaceOne(text, KeyPattern(), random, key => random.Next(4) switch
    {
        0 => Pick(Keys, random),
        1 => key.Length > 1 ? key.Remove(random.Next(key.Length), 1) : key + "x",
        2 => $"\"{key}\\n\"",
        _ => key.ToUpperInvariant(),
    });

    static string WithLines(string text, Action<List<string>> edit)
    {
        var lines = text.Split('\n').ToList();
        if (lines.Count > 0)
            edit(lines);
        return string.Join('\n', lines);
    }

    /// <summary>Replaces the first group (or the whole match) of one match of <paramref name="pattern"/>, chosen at random.</summary>
    static string ReplaceOne(string text, Regex pattern, Random random, Func<string, string> replacement)
    {
        var matches = pattern.Matches(text);
        if (matches.Count == 0)
            return text;
        var match = matches[random.Next(matches.Count)];
        var group = match.Groups.Count > 1 && match.Groups[1].Success ? match.Groups[1] : match.Groups[0];
        return text[..group.Index] + replacement(group.Value) + text[(group.Index + group.Length)..];
    }

    static byte[] Insert(byte[] bytes, Random random, byte[] insert)
    {
        var at = random.Next(bytes.Length + 1);
        return [.. bytes[..at], .. insert, .. bytes[at..]];
    }

    static T Pick<T>(IReadOnlyList<T> options, Random random) => options[random.Next(options.Count)];

    [GeneratedRegex(@"([A-Za-z_][\w-]*):(?=\s)")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@":[ ]+([^\s{}\[\],#][^,}\]\n#]*)")]
    private static partial Regex ValuePattern();

    [GeneratedRegex(@"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(" ")]
    private static partial Regex SpacePattern();
}
