using Parity.Spec;

namespace Parity.Harness.Pipeline;

/// <summary>
/// What every stage compares: the engine under test (by the name the user knows it by), the reference it is checked against,
/// the initial parameters both start from, and whether the two take each lockstep step, evaluation chunk and finite difference of the check
/// at once (<see cref="Benchmarks.StepThreads.AtOnce"/>).
/// </summary>
public sealed record BackendPair(string EngineName, BackendFactory Engine, BackendFactory Reference, Func<ParitySpec, IReadOnlyList<HostTensor>> InitialParameters, bool AtOnce = false);
