namespace Parity.TestSupport;

/// <summary>
/// The repository's root, the folder that holds Parity.sln, found upward from the test assembly's folder (the build
/// writes it under the project's bin/): tests read the built-in specs, the committed reports and the examples there.
/// </summary>
public static class Repository
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Parity.sln")))
                return folder.FullName;
        throw new InvalidOperationException($"no Parity.sln above {AppContext.BaseDirectory}");
    }
}
