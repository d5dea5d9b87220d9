using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Parity.Spec.Yaml;

/// <summary>
/// Reads YAML text into <see cref="SpecNode"/>s from YamlDotNet's event stream. Building the tree
/// ourselves keeps every node's position and lets a duplicated key be reported where it stands.
/// </summary>
public static class YamlTree
{
    /// <summary>A spec nests four levels at most; far deeper text is damage, and reading it recursively would overflow the stack.</summary>
    const int MaxDepth = 64;

    public static SpecNode Parse(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
                throw new SpecException(new SourceMark(file, 1, 1), "the spec is empty; start from one in parity-tests/specs/");
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, file, depth: 1);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var next))
                throw new SpecException(MarkOf(file, next.Start), "a spec file holds one YAML document; remove the '---' and what follows, or split it into files");
            return root;
        }
        catch (YamlException e)
        {
            // YamlDotNet places a tab error at the start of the file or of the value before it; point at the tab.
            var mark = e.Message.Contains("tab") && YamlErrorPlaces.FirstIndentingTab(text, file) is { } tab ? tab
                : YamlErrorPlaces.EndOfText(text, file, e.Start) ?? MarkOf(file, e.Start);
            throw new SpecException(mark, $"not valid YAML: {e.Message.TrimEnd('.')}. Check the indentation (spaces, not tabs) and the quoting near here");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet fails this way, with no position, when a '[' or '{' is left open across lines.
            throw YamlErrorPlaces.UnclosedBracket(text, file) is (var mark, var bracket)
                ? new SpecException(mark, $"not valid YAML: this '{bracket}' is not closed before the next line at its indentation; add its '{YamlErrorPlaces.Closer(bracket)}', or indent the lines that continue it")
                : new SpecException(new SourceMark(file, 1, 1), "not valid YAML: check that every '[' and '{' is closed, and the indentation");
        }
    }

    static SpecNode ReadNode(IParser parser, string file, int depth)
    {
        if (depth > MaxDepth)
            throw new SpecException(MarkOf(file, parser.Current!.Start), $"lists and mappings nest more than {MaxDepth} levels deep here; a spec needs four at most — check the brackets");
        if (parser.TryConsume<Scalar>(out var scalar))
            return new ScalarNode(scalar.Value, MarkOf(file, scalar.Start));
        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = new List<SpecNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
                items.Add(ReadNode(parser, file, depth + 1));
            return new SequenceNode(items, MarkOf(file, sequenceStart.Start));
        }
        if (parser.TryConsume<MappingStart>(out var mappingStart))
        {
            var entries = new List<KeyValuePair<ScalarNode, SpecNode>>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, file, depth + 1) as ScalarNode
                    ?? throw new SpecException(MarkOf(file, mappingStart.Start), "a key must be a plain word, not a list or a mapping");
                var first = entries.FirstOrDefault(e => e.Key.Value == key.Value).Key;
                if (first is not null)
                    throw new SpecException(key.Mark, $"duplicate key {Scalars.Quote(key.Value)} (first at line {first.Mark.Line}); keep one of them");
                entries.Add(new(key, ReadNode(parser, file, depth + 1)));
            }
            return new MappingNode(entries, MarkOf(file, mappingStart.Start));
        }
        var unexpected = parser.Current!;
        throw new SpecException(MarkOf(file, unexpected.Start), "anchors and aliases (&x, *x) are not supported in specs; write the value out");
    }

    static SourceMark MarkOf(string file, Mark mark) => new(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));
}
