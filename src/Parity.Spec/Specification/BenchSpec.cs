namespace Parity.Spec;

/// <summary>
/// What <c>parity bench</c> must measure on the spec (at its own batch size and dtype); a run that
/// misses one fails. <see cref="MaxRatio"/> bounds the engine's full training step over TorchSharp's,
/// <see cref="MaxAllocBytes"/> the managed bytes the engine allocates per steady-state step. Null
/// where the spec sets no target.
/// </summary>
public sealed record BenchSpec(double? MaxRatio, long? MaxAllocBytes);
