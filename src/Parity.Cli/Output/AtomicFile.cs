using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>Writes a file whole or not at all: a temporary file beside it, then a rename.</summary>
public static class AtomicFile
{
    /// <summary>Fails early, before any work, when the file could not be written later.</summary>
    public static string CheckWritable(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new InputException($"{path}: is a folder; give a file name such as {Path.Combine(path, "result.json")}");
        if (!Directory.Exists(Path.GetDirectoryName(full)))
            throw new InputException($"{path}: the folder {Path.GetDirectoryName(full)} does not exist; create it first");
        return full;
    }

    /// <summary>A folder that <paramref name="option"/> writes into, made later: not a file, under a parent that exists.</summary>
    public static string CheckFolder(string path, string option)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new InputException($"{path}: is a file; {option} takes a folder");
        if (!Directory.Exists(Path.GetDirectoryName(full)))
            throw new InputException($"{path}: the folder {Path.GetDirectoryName(full)} does not exist; create it first");
        return full;
    }

    public static void Write(string path, string content) => Write(path, System.Text.Encoding.UTF8.GetBytes(content));

    public static void Write(string path, byte[] content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temporary, content);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new InputException($"{path}: cannot be written ({e.Message})");
        }
    }
}
