namespace Parity.Spec.Yaml;

/// <summary>
/// Reads one mapping of a spec under a dotted path (e.g. <c>optimizer.sgd</c>). Unknown keys are
/// rejected as soon as the reader is made, with the closest valid key as a suggestion.
/// </summary>
public sealed class MappingReader
{
    readonly MappingNode _mapping;

    public string Path { get; }
    public SourceMark Mark => _mapping.Mark;

    public MappingReader(SpecNode node, string path, IReadOnlyCollection<string> keys)
    {
        Path = path;
        _mapping = node as MappingNode
            ?? throw new SpecException(node.Mark, $"{Describe(path)} must be a mapping with keys {string.Join(", ", keys)}");
        foreach (var (key, _) in _mapping.Entries)
            if (!keys.Contains(key.Value))
                throw new SpecException(key.Mark, $"unknown key {Scalars.Quote(key.Value)} in {Describe(path)}; {ClosestWord.Hint(key.Value, keys)}");
    }

    public SpecNode? Optional(string key) => _mapping.Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    public SpecNode Required(string key) => Optional(key)
        ?? throw new SpecException(_mapping.Mark, $"{Describe(path: Path)} needs the key '{key}'");

    public bool Has(string key) => Optional(key) is not null;

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public string? Text(string key) => Optional(key) is { } node ? Scalars.Text(node, PathOf(key)) : null;

    public double Number(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false) =>
        Optional(key) is { } node ? Scalars.Number(node, PathOf(key), min, max, exclusiveMin) : fallback;

    public long Integer(string key, long fallback, long min, long max) =>
        Optional(key) is { } node ? Scalars.Integer(node, PathOf(key), min, max) : fallback;

    public bool Boolean(string key, bool fallback) =>
        Optional(key) is { } node ? Scalars.Boolean(node, PathOf(key)) : fallback;

    static string Describe(string path) => path.Length == 0 ? "the spec" : $"'{path}'";
}
