namespace Parity.Cli;

/// <summary>How to start this parity as a process of its own (the suite's example engines, the reference timed alone).</summary>
public static class ParityProcess
{
    /// <summary>Its own executable when it is the .NET tool's or the apphost, dotnet with its assembly otherwise (dotnet parity.dll, a test host).</summary>
    public static (string Program, string[] Prefix) Command()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var assembly = typeof(ParityProcess).Assembly.Location;
        return Path.GetFileNameWithoutExtension(host) switch
        {
            var name when name == Path.GetFileNameWithoutExtension(assembly) => (host, []),
            "dotnet" => (host, [assembly]),
            _ => ("dotnet", [assembly]),
        };
    }
}
