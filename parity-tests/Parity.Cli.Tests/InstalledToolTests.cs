using System.IO.Compression;
using System.Reflection;
using System.Text.Json;

namespace Parity.Cli.Tests;

/// <summary>
/// Parity as a user's CI gets it: the Parity.Cli .NET tool packed from this checkout, installed with
/// <c>dotnet tool install --tool-path</c>, and run from a folder outside the repository on specs
/// written there. TorchSharp's natives come from the package alone (and load on Debian 12 only if the
/// package's libLibTorchSharp.so carries the build's fix), OpenBLAS and the spec from the machine.
/// </summary>
public class InstalledToolTests(InstalledTool tool) : IClassFixture<InstalledTool>
{
    // The built-in XOR spec under the user's name, so every output named after it is the user's spec's.
    static readonly string UserSpec = File.ReadAllText(Cli.BuiltInSpec("xor-tanh-bce.yaml")).Replace("name: xor-tanh-bce", "name: user-xor");

    [Fact]
    public void The_package_carries_libtorch_for_linux_x64_alone()
    {
        using var package = ZipFile.OpenRead(tool.Package);
        var natives = package.Entries.Select(e => e.FullName).Where(name => name.Contains("/runtimes/")).ToList();
        Assert.Contains("tools/net10.0/any/runtimes/linux-x64/native/libtorch_cpu.so", natives);
        Assert.Contains("tools/net10.0/any/runtimes/linux-x64/native/libLibTorchSharp.so", natives);
        Assert.All(natives, name => Assert.StartsWith("tools/net10.0/any/runtimes/linux-x64/", name));
    }

    [Fact]
    public void Check_and_train_pass_on_a_spec_outside_the_repository()
    {
        using var work = new TempFolder();
        var spec = work.File("user-xor.yaml", UserSpec);

        var check = tool.Run(work.Path, "check", spec);
        Assert.True(check.Exit == 0, check.Output + check.Error);
        Assert.Contains("reference: TorchSharp 0.107.0 (libtorch 2.10.0)", check.Output);
        Assert.Contains("passed user-xor", check.Output);
        // Nothing on standard error: in particular no note that OpenBLAS is missing, so the tool found it.
        Assert.Equal("", check.Error);

        var train = tool.Run(work.Path, "train", "user-xor.yaml", "--json", "train.json");
        Assert.True(train.Exit == 0, train.Output + train.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(work["train.json"]));
        var trained = json.RootElement.GetProperty("specs")[0];
        Assert.Equal("user-xor", trained.GetProperty("spec").GetString());
        Assert.True(trained.GetProperty("passed").GetBoolean());
        Assert.Equal(300, trained.GetProperty("epochs").GetArrayLength());
    }

    [Fact]
    public void Report_writes_the_spec_s_report_and_the_index()
    {
        using var work = new TempFolder();
        work.File("user-xor.yaml", UserSpec);

        var report = tool.Run(work.Path, "report", "user-xor.yaml", "--out", "reports");
        Assert.True(report.Exit == 0, report.Output + report.Error);
        foreach (var file in new[] { "README.md", "index.html", "junit.xml", "user-xor/report.md", "user-xor/report.html", "user-xor/result.json", "user-xor/junit.xml" })
            Assert.True(File.Exists(Path.Combine(work["reports"], file)), $"{file} missing from the report");
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(work["reports"], "user-xor", "result.json")));
        Assert.True(result.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("TorchSharp 0.107.0 (libtorch 2.10.0)", result.RootElement.GetProperty("reference").GetString());
    }

    /// <summary>
    /// sdk python writes the package and its guide; the guide's per-layer skeleton, run on the written folder alone
    /// (PYTHONPATH, Debian's python3 and numpy), passes check; a foreign folder is refused, as every --out is.
    /// </summary>
    [Fact]
    public void Sdk_python_writes_a_package_the_guide_s_skeleton_passes_check_on()
    {
        using var work = new TempFolder();
        work.File("user-xor.yaml", UserSpec);

        var sdk = tool.Run(work.Path, "sdk", "python", "--out", "parity-sdk");
        Assert.True(sdk.Exit == 0, sdk.Output + sdk.Error);
        var guide = File.ReadAllText(Path.Combine(work["parity-sdk"], "README.md"));
        var start = guide.IndexOf("```python\n", StringComparison.Ordinal) + "```python\n".Length;
        work.File("my_engine.py", guide[start..guide.IndexOf("```", start, StringComparison.Ordinal)]);
        var check = tool.Run(work.Path, "check", "user-xor.yaml", "--engine", $"exec:/usr/bin/env PYTHONPATH={work["parity-sdk"]} /usr/bin/python3 my_engine.py");
        Assert.True(check.Exit == 0, check.Output + check.Error);
        Assert.Contains("passed user-xor", check.Output);

        var foreign = tool.Run(work.Path, "sdk", "python", "--out", ".");
        Assert.Equal(2, foreign.Exit);
        Assert.Contains("holds files Parity did not write", foreign.Error);
    }

    [Fact]
    public void A_missing_spec_is_one_message_and_exit_2()
    {
        using var work = new TempFolder();

        var check = tool.Run(work.Path, "check", "absent.yaml");
        Assert.Equal(2, check.Exit);
        Assert.Equal("parity: absent.yaml: no such spec file; pass the path of a .yaml spec or of a folder of them", check.Error.Trim());
        Assert.Equal("", check.Output);
    }

    [MountNamespaceFact]
    public void Without_OpenBLAS_the_engine_falls_back_and_says_what_to_install()
    {
        using var work = new TempFolder();
        work.File("user-xor.yaml", UserSpec);
        var empty = work.File("empty.so", "");

        // In a mount namespace of its own, the library dlopen would find is an empty file: OpenBLAS missing for this process alone.
        var check = Cli.RunProcess("unshare", ["--mount", "sh", "-c", "mount --bind \"$0\" \"$(readlink -f /usr/lib/x86_64-linux-gnu/libopenblas.so.0)\" && exec \"$@\"", empty, tool.Command, "check", "user-xor.yaml"], work.Path);
        Assert.True(check.Exit == 0, check.Output + check.Error);
        Assert.Contains("passed user-xor", check.Output);
        Assert.Equal("parity: note: libopenblas.so.0 is not installed, so the built-in engine multiplies with MathNet's managed GEMM (the same checks, slower); install OpenBLAS with: apt-get install libopenblas0-pthread (or set PARITY_BLAS=managed to choose the fallback)",
            check.Error.Trim());
    }

    [Fact]
    public void A_missing_data_set_is_one_message_naming_the_package_and_exit_2()
    {
        using var work = new TempFolder();
        File.Copy(Cli.BuiltInSpec("fashion-mnist-mlp.yaml"), work["fashion.yaml"]);
        var empty = Directory.CreateDirectory(work["no-data"]).FullName;

        var check = tool.Run(work.Path, ["check", "fashion.yaml"], new Dictionary<string, string> { ["PARITY_FASHION_MNIST"] = empty });
        Assert.Equal(2, check.Exit);
        Assert.Equal($"parity: {Path.Combine(empty, "train-images-idx3-ubyte.gz")}: Fashion-MNIST is not installed; install it with: apt-get install dataset-fashion-mnist (or set PARITY_FASHION_MNIST to a folder of its .gz files)",
            check.Error.Trim());
    }
}

/// <summary>
/// The tool packed once for the test class (<c>dotnet pack --no-build</c> of the build the tests run
/// on, in its configuration) and installed from that folder into one of its own.
/// </summary>
public sealed class InstalledTool : IDisposable
{
    readonly TempFolder folder = new();

    /// <summary>The .nupkg dotnet pack wrote.</summary>
    public string Package { get; }

    /// <summary>The installed parity command.</summary>
    public string Command { get; }

    public InstalledTool()
    {
        var configuration = typeof(InstalledTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var packages = folder["packages"];
        Succeed(Cli.RunProcess("dotnet", ["pack", Path.Combine(Repository.Root, "src", "Parity.Cli"), "-c", configuration, "--no-build", "-o", packages]), "dotnet pack");
        Package = Directory.GetFiles(packages, "Parity.Cli.*.nupkg").Single();
        var version = Path.GetFileNameWithoutExtension(Package)["Parity.Cli.".Length..];
        Succeed(Cli.RunProcess("dotnet", ["tool", "install", "Parity.Cli", "--tool-path", folder["tools"], "--add-source", packages, "--version", version]), "dotnet tool install");
        Command = Path.Combine(folder["tools"], "parity");
    }

    /// <summary>The installed parity, run in <paramref name="workingDirectory"/>.</summary>
    public (int Exit, string Output, string Error) Run(string workingDirectory, params string[] arguments) =>
        Cli.RunProcess(Command, arguments, workingDirectory);

    /// <summary>The installed parity, run in <paramref name="workingDirectory"/> with these environment variables set.</summary>
    public (int Exit, string Output, string Error) Run(string workingDirectory, string[] arguments, IReadOnlyDictionary<string, string> environment) =>
        Cli.RunProcess(Command, arguments, workingDirectory, environment);

    static void Succeed((int Exit, string Output, string Error) run, string what)
    {
        if (run.Exit != 0)
            throw new InvalidOperationException($"{what} failed (exit {run.Exit}): {run.Output}{run.Error}");
    }

    public void Dispose() => folder.Dispose();
}

/// <summary>A test that mounts in a mount namespace of its own: skipped, and says why, unless run as root where unshare may make one.</summary>
public sealed class MountNamespaceFactAttribute : FactAttribute
{
    public MountNamespaceFactAttribute()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/lib/x86_64-linux-gnu/libopenblas.so.0") || Cli.RunProcess("unshare", ["--mount", "true"]).Exit != 0)
            Skip = "hides OpenBLAS in a mount namespace: needs root, OpenBLAS installed, and unshare allowed";
    }
}
