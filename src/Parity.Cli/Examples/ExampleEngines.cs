using System.Diagnostics;
using Parity.Spec;

namespace Parity.Cli.Examples;

/// <summary>
/// The example engines of <c>examples/</c>, each with its planted bug, as <c>parity suite</c> runs them:
/// the numpy engine through the protocol, and the C# plugin built as its README says (the contract
/// packed into <c>artifacts/packages</c>, then the example restored from it).
/// </summary>
public static class ExampleEngines
{
    /// <summary>The bug both examples plant: the bias gradient averaged over the batch once too often.</summary>
    public const string Bug = "bias-grad-mean";

    /// <summary>Debian's interpreter, whose numpy the build installs (python3-numpy); a pyenv or venv python3 on PATH may lack it.</summary>
    public const string Python = "/usr/bin/python3";

    public static IReadOnlyList<ExampleEngine> WithBugs { get; } =
    [
        new("numpy-engine", "disk-three-layers", $"--bug {Bug}",
            _ => Backends.Resolve(Numpy("", $"--bug {Bug}"))),
        new("csharp-engine", "disk-three-layers", $"{CSharpBugVariable}={Bug}",
            work => WithBugVariable(Backends.Resolve(BuildCSharpExample(Directory.GetCurrentDirectory(), work)))),
    ];

    /// <summary>The <c>--engine</c> value of the numpy example under <paramref name="root"/> (the repository's root; "" for the working folder), with its options.</summary>
    public static string Numpy(string root, string options) => $"exec:{Python} {Path.Combine(root, "examples", "numpy-engine", "engine.py")} {options}".TrimEnd();

    /// <summary>The environment variable the C# example reads when it is built (examples/csharp-engine/ExampleEngine.cs).</summary>
    public const string CSharpBugVariable = "PARITY_EXAMPLE_BUG";

    /// <summary>
    /// Packs the contract and builds <c>examples/csharp-engine</c> against that package, as the example's
    /// README does, but with every output (package, restored packages, bin and obj) under
    /// <paramref name="work"/>: nothing in the checkout is written, so runs side by side cannot trip on
    /// each other, and the example always builds against this checkout's contract. Returns the built assembly.
    /// </summary>
    public static string BuildCSharpExample(string root, string work)
    {
        var packages = ContractPackages(work);
        Dotnet("pack", Path.Combine(root, "src", "Parity.Contract"), "-c", "Release", "-o", packages, "--artifacts-path", Path.Combine(work, "contract"));
        Dotnet("build", Path.Combine(root, "examples", "csharp-engine"), "-c", "Release", "--source", packages, "--packages", Path.Combine(work, "restored"), "--artifacts-path", Path.Combine(work, "example"));
        return Path.Combine(work, "example", "bin", "CSharpEngine", "release", "CSharpEngine.dll");
    }

    /// <summary>Where <see cref="BuildCSharpExample"/> packs the contract under its scratch folder: a package source for anything else built against it.</summary>
    public static string ContractPackages(string work) => Path.Combine(work, "packages");

    /// <summary>The C# engine built with its bug variable set; the variable is put back at once, so nothing else sees it.</summary>
    static EngineUnderTest WithBugVariable(EngineUnderTest engine) => engine with
    {
        Name = $"{engine.Name} ({CSharpBugVariable}={Bug})",
        Create = (model, initial) =>
        {
            var before = Environment.GetEnvironmentVariable(CSharpBugVariable);
            Environment.SetEnvironmentVariable(CSharpBugVariable, Bug);
            try
            {
                return engine.Create(model, initial);
            }
            finally
            {
                Environment.SetEnvironmentVariable(CSharpBugVariable, before);
            }
        },
    };

    static void Dotnet(string command, string project, params string[] arguments)
    {
        var (exit, output) = RunDotnet([command, project, .. arguments]);
        if (exit != 0)
            throw new InputException($"dotnet {command} {project} failed (exit {exit}); run it by hand to see why: {LastLines(output)}");
    }

    /// <summary>
    /// Runs the SDK's dotnet with <paramref name="arguments"/>, no build server left behind, and the environment
    /// changed by <paramref name="environment"/> (a null value removes a variable); returns its exit code and all it printed.
    /// </summary>
    public static (int Exit, string Output) RunDotnet(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", [.. arguments, "-nodeReuse:false", "--disable-build-servers"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A parent's MSBuild settings (a test host, dotnet run) are not the example's.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(variable);
        foreach (var (variable, value) in environment ?? new Dictionary<string, string?>())
            start.Environment[variable] = value;
        using var process = Process.Start(start) ?? throw new InputException($"dotnet {arguments[0]}: the .NET SDK's dotnet could not be started; run it where the SDK is installed");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }

    static string LastLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
