namespace Parity.Cli.Tests;

/// <summary>
/// The build's install step (src/ensure-debian-packages.sh) run by several projects at once, as a
/// parallel build of a fresh machine does: every one succeeds, and exactly one installs. Uses GNU
/// hello, a package nothing of Parity's needs, removed before and after.
/// </summary>
public class DebianPackageInstallTests
{
    const string Package = "hello";

    [RootOnDebianFact]
    public void FourInstallsAtOnceOfAMissingPackageAllSucceedAndOneInstalls()
    {
        Run("apt-get", "purge", "-y", "-qq", Package);
        try
        {
            var script = Path.Combine(Repository.Root, "src", "ensure-debian-packages.sh");
            var runs = Enumerable.Range(0, 4).Select(_ => Task.Run(() => Run("bash", script, Package))).ToArray();
            Task.WaitAll(runs);

            Assert.All(runs, run => Assert.True(run.Result.Exit == 0, run.Result.Output));
            Assert.Single(runs, run => run.Result.Output.Contains($"parity: installed {Package}"));
            Assert.Contains("install ok installed", Run("dpkg-query", "-W", "-f=${Status}", Package).Output);
        }
        finally
        {
            Run("apt-get", "purge", "-y", "-qq", Package);
        }
    }

    static (int Exit, string Output) Run(string file, params string[] arguments)
    {
        var (exit, output, error) = Cli.RunProcess(file, arguments);
        return (exit, output + error);
    }
}

/// <summary>A test that installs Debian packages: skipped, and says why, unless run as root on Debian (as CI runs).</summary>
public sealed class RootOnDebianFactAttribute : FactAttribute
{
    public RootOnDebianFactAttribute()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/dpkg"))
            Skip = "installs a Debian package: needs root on Debian";
    }
}
