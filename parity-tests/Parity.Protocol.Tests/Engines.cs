using System.Reflection;
using System.Text.RegularExpressions;

namespace Parity.Protocol.Tests;

/// <summary>
/// The engines the tests start, as <c>--engine exec:</c> values, and Parity run in-process on them.
/// Debian's python3 by its path: the tests need its numpy, whatever python3 comes first on the PATH.
/// </summary>
public static partial class Engines
{
    const string Interpreter = Cli.Examples.ExampleEngines.Python;

    /// <summary>The repository's root, as the build saw it (the project file sets it).</summary>
    public static string Root { get; } = typeof(Engines).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static string NumpyScript { get; } = Path.Combine(Root, "examples", "numpy-engine", "engine.py");

    public static string Numpy(string options = "") => Python(NumpyScript, options);

    /// <summary>One of the small engines in <c>engines/</c>, each a protocol-correct stub with one fault.</summary>
    public static string Fault(string script, string options = "") => Python(Path.Combine(Root, "parity-tests", "Parity.Protocol.Tests", "engines", script), options);

    public static string Spec(string name) => Path.Combine(Root, "parity-tests", "specs", name);

    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Cli.ParityCommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The process ids the stub engines announced on stderr ("[python3] pid N", passed through by Parity).</summary>
    public static IReadOnlyList<int> AnnouncedProcesses(string error) =>
        AnnouncedPid().Matches(error).Select(m => int.Parse(m.Groups[1].Value)).ToList();

    /// <summary>Gone means reaped too: a zombie still has its /proc entry.</summary>
    public static bool Gone(int pid) => !Directory.Exists($"/proc/{pid}");

    static string Python(string script, string options) => $"exec:{Interpreter} '{script}' {options}".TrimEnd();

    [GeneratedRegex(@"\] pid (\d+)")]
    private static partial Regex AnnouncedPid();
}
