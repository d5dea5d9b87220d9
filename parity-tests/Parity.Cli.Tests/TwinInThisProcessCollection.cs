namespace Parity.Cli.Tests;

/// <summary>
/// The test classes that run the twin in the test host's own process (parity's commands called in-process)
/// take turns, for the reason Shared/OneTestAtATime.cs gives: a test running beside a twin's call can start
/// a garbage collection that frees a scalar the call is reading. Tests that only start processes (the
/// committed suite's shards, the installed tool, interrupts, Debian installs) still run beside them, so
/// the host takes as long as before: the in-process classes sum to less than the suite's shards.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TwinInThisProcessCollection
{
    public const string Name = "twin in this process";
}
