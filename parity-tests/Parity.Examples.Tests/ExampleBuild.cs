using System.Diagnostics;
using Parity.Cli;

namespace Parity.Examples.Tests;

/// <summary>
/// examples/csharp-engine built as its README says — the contract packed into artifacts/packages, then
/// the example restored from it — once for the test class; the package is unpacked into a fresh folder,
/// so the example always builds against the contract of this checkout.
/// </summary>
public sealed class ExampleBuild : IDisposable
{
    readonly string _packages = Directory.CreateTempSubdirectory("parity-example-packages-").FullName;

    public ExampleBuild()
    {
        Run("pack", Path.Combine(RepositoryRoot, "src", "Parity.Contract"), "-c", "Release", "-o", Path.Combine(RepositoryRoot, "artifacts", "packages"));
        Run("build", Folder, "-c", "Release", "--packages", _packages);
        Assembly = Path.Combine(Folder, "bin", "Release", "net10.0", "CSharpEngine.dll");
        Engine = Backends.Resolve(Assembly);
    }

    public static string RepositoryRoot { get; } = FindRoot();

    public static string Folder => Path.Combine(RepositoryRoot, "examples", "csharp-engine");

    /// <summary>The built engine: what <c>--engine</c> takes.</summary>
    public string Assembly { get; }

    /// <summary>The engine as Parity loads it from <see cref="Assembly"/>.</summary>
    public EngineUnderTest Engine { get; }

    public void Dispose() => Directory.Delete(_packages, recursive: true);

    static void Run(string command, string project, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [command, project, "-nodeReuse:false", "--disable-build-servers", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host's own MSBuild settings are not the example's.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(variable);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet {command} {project} failed:\n{output.Result}\n{error}");
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Parity.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Parity.sln not found above " + AppContext.BaseDirectory);
    }
}
