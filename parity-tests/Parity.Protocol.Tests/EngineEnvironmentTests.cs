using System.Diagnostics;

namespace Parity.Protocol.Tests;

/// <summary>
/// An exec: engine starts with parity's two waiting policies (Parity.Cli.NativeSettings): its own numpy or
/// OpenMP pool would otherwise spin on the cores the twin needs for its turn. A policy the user set wins.
/// Parity runs as its own process here, from an environment without either variable, since this test
/// host sets both for itself.
/// </summary>
public class EngineEnvironmentTests
{
    [Theory]
    [InlineData(null, "PASSIVE 20")]
    [InlineData("ACTIVE", "ACTIVE 20")]
    public async Task An_exec_engine_gets_parity_s_waiting_policies_unless_the_user_set_their_own(string? users, string seen)
    {
        var engine = $"exec:/bin/sh -c \"echo policies $OMP_WAIT_POLICY $OPENBLAS_THREAD_TIMEOUT >&2; exec {Engines.Numpy()["exec:".Length..]}\"";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "parity.dll"), "check", Engines.Spec("xor-tanh-bce.yaml"), "--engine", engine])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("OMP_WAIT_POLICY");
        start.Environment.Remove("OPENBLAS_THREAD_TIMEOUT");
        if (users is not null)
            start.Environment["OMP_WAIT_POLICY"] = users;

        using var parity = Process.Start(start)!;
        var output = parity.StandardOutput.ReadToEndAsync();
        var error = await parity.StandardError.ReadToEndAsync();
        await parity.WaitForExitAsync();

        Assert.True(parity.ExitCode == 0, await output + error);
        Assert.Contains($"[sh] policies {seen}\n", error);
    }
}
