namespace Parity.Spec.Yaml;

/// <summary>A YAML node that remembers where it stood, so every validation error can point at it.</summary>
public abstract record SpecNode(SourceMark Mark);

public sealed record ScalarNode(string Value, SourceMark Mark) : SpecNode(Mark);

public sealed record SequenceNode(IReadOnlyList<SpecNode> Items, SourceMark Mark) : SpecNode(Mark);

public sealed record MappingNode(IReadOnlyList<KeyValuePair<ScalarNode, SpecNode>> Entries, SourceMark Mark) : SpecNode(Mark);
