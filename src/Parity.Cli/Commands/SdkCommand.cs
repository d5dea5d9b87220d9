using System.CommandLine;
using Parity.Cli.Output;

namespace Parity.Cli.Commands;

/// <summary>
/// <c>parity sdk python --out DIR</c>: writes parity_engine, the Python package that speaks the engine
/// protocol (sdk/python in the repository, embedded in this assembly), so that a user of the installed
/// tool needs no clone. The folder is claimed as every --out folder is: new, empty, or written by Parity.
/// </summary>
public static class SdkCommand
{
    /// <summary>The embedded files' names start so (Parity.Cli.csproj), followed by their path in the package.</summary>
    const string Prefix = "sdk/python/";

    public static Command Create(TextWriter output)
    {
        var outOption = new Option<string>("--out") { Description = "The folder to write the package to (new, empty, or written by Parity)", Required = true };
        var python = new Command("python", "Write parity_engine, the Python package (numpy, Python 3.9+) that speaks the engine protocol for you") { outOption };
        python.SetAction(parse => WritePython(parse.GetValue(outOption)!, output));
        return new Command("sdk", "Write a package that speaks the engine protocol, for an engine in another language") { python };
    }

    static int WritePython(string path, TextWriter output)
    {
        using var folder = OutputFolder.Claim(path, "--out");
        var assembly = typeof(SdkCommand).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var file = Path.Combine(folder.Staging, name[Prefix.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            using var resource = assembly.GetManifestResourceStream(name)!;
            using var written = File.Create(file);
            resource.CopyTo(written);
        }
        folder.Commit();
        output.WriteLine($"parity_engine written to {folder.Target}: run your engine with PYTHONPATH={folder.Target}, "
            + $"or pip install --no-build-isolation {folder.Target}; the per-layer skeleton is in its README.md");
        return ParityCommandLine.Passed;
    }
}
