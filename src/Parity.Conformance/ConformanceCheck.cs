namespace Parity.Conformance;

/// <summary>
/// One behaviour of the contract: its name, what it expects in words, and the check itself — which
/// builds its own backends from the factory, runs them on the case, and returns what it found wrong
/// (nothing when the backend conforms).
/// </summary>
public sealed record ConformanceCheck(
    string Name,
    string Expectation,
    Func<BackendFactory, ConformanceCase, IReadOnlyList<string>> Run);
