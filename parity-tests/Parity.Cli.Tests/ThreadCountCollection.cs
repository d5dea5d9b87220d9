namespace Parity.Cli.Tests;

/// <summary>
/// Tests that change the process-wide thread counts of TorchSharp and OpenBLAS run here, apart from the
/// parallel ones: another test comparing two of its own runs must not see the count change between them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "thread counts";
}
