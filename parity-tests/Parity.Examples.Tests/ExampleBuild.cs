using Parity.Cli;
using Parity.Cli.Examples;

namespace Parity.Examples.Tests;

/// <summary>
/// examples/csharp-engine built as its README says, once for the test class, into a temporary folder
/// (<see cref="ExampleEngines.BuildCSharpExample"/>).
/// </summary>
public sealed class ExampleBuild : IDisposable
{
    readonly string _work = Directory.CreateTempSubdirectory("parity-csharp-example-").FullName;

    public ExampleBuild()
    {
        Assembly = ExampleEngines.BuildCSharpExample(Repository.Root, _work);
        Engine = Backends.Resolve(Assembly);
    }

    /// <summary>The built engine: what <c>--engine</c> takes.</summary>
    public string Assembly { get; }

    /// <summary>The folder the contract was packed into: the package source of anything else built against it.</summary>
    public string Packages => ExampleEngines.ContractPackages(_work);

    /// <summary>The engine as Parity loads it from <see cref="Assembly"/>.</summary>
    public EngineUnderTest Engine { get; }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
