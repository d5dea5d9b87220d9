namespace Parity.Engine;

/// <summary>
/// The engine's factories for one part of a model (its layers, its losses, …), keyed by the kind the
/// model description names. A new op is one registration here; a variant of the engine — a user's
/// alternative, or a deliberately broken part in the tests — is the table <see cref="With"/> one
/// factory replaced.
/// </summary>
public sealed class KindTable<TFactory>(string part, IReadOnlyDictionary<string, TFactory> factories)
{
    /// <summary>The factory for <paramref name="kind"/>; a kind the engine lacks is refused with the kinds it has.</summary>
    public TFactory this[string kind] => factories.TryGetValue(kind, out var factory)
        ? factory
        : throw new ArgumentException($"the built-in engine has no {part} '{kind}'; it has {string.Join(", ", factories.Keys.Order(StringComparer.Ordinal))}");

    public IEnumerable<string> Kinds => factories.Keys;

    /// <summary>This table with <paramref name="kind"/> made by <paramref name="factory"/> instead (or added).</summary>
    public KindTable<TFactory> With(string kind, TFactory factory) =>
        new(part, new Dictionary<string, TFactory>(factories) { [kind] = factory });
}
