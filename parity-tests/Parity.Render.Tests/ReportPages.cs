using Parity.Cli;

namespace Parity.Render.Tests;

/// <summary>
/// Reports written once for the test class: a passing one (the built-in engine on the xor spec) and a
/// failing one (the numpy example with its planted bug), each a folder with report.html and the index.
/// </summary>
public sealed class ReportPages : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("parity-render-").FullName;

    public ReportPages()
    {
        var numpy = Cli.Examples.ExampleEngines.Numpy(Repository.Root, "--bug bias-grad-mean");
        Write(Passing, Backends.Builtin, expectedExit: 0);
        Write(Failing, numpy, expectedExit: 1);
    }

    public string Passing => Path.Combine(_folder, "passing");

    public string Failing => Path.Combine(_folder, "failing");

    public const string Spec = "xor-tanh-bce";

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static void Write(string folder, string engine, int expectedExit)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = ParityCommandLine.Run(["report", Path.Combine(Repository.Root, "parity-tests", "specs", $"{Spec}.yaml"), "--engine", engine, "--out", folder], output, error);
        Assert.True(exit == expectedExit, $"parity report exited {exit}:\n{output}\n{error}");
    }
}
