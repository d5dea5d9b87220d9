using System.Text.Json;
using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>Writes a file whole or not at all: a temporary file beside it, then a rename.</summary>
public static class AtomicFile
{
    /// <summary>Larger than any JSON document Parity writes: a bigger file is not one of them, and is not read to find out.</summary>
    const long LargestJson = 1L << 30;

    /// <summary>
    /// A JSON file Parity is to write (<c>--json</c>, a baseline), checked before any work: a file name under a
    /// folder that exists, writable there, and either new or a JSON document Parity wrote — recognised by the
    /// field every one of them has, a <c>"spec"</c> or <c>"specs"</c> (baselines recorded before engines were
    /// named hold no <c>"engine"</c>, and are replaced all the same). Parity never overwrites a file of anyone else's.
    /// </summary>
    public static string ClaimJson(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new InputException($"{path}: is a folder; give a file name such as {Path.Combine(path, "result.json")}");
        if (!Directory.Exists(Path.GetDirectoryName(full)))
            throw new InputException($"{path}: the folder {Path.GetDirectoryName(full)} does not exist; create it first");
        if (File.Exists(full) && !WrittenByParity(full))
            throw new InputException($"{path}: exists and is not a JSON document Parity wrote, which is all Parity overwrites; give a new file name, or move the file away first");
        var probe = Temporary(full);
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot be written ({e.Message}); give a file on a writable file system that you may write to");
        }
        return full;
    }

    public static void Write(string path, string content) => Write(path, System.Text.Encoding.UTF8.GetBytes(content));

    public static void Write(string path, byte[] content)
    {
        var temporary = Temporary(path);
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

    static string Temporary(string path) => $"{path}.{Environment.ProcessId}.tmp";

    static bool WrittenByParity(string file)
    {
        // A FIFO or a device has no length: refused by it unopened, so reading never blocks.
        if (new FileInfo(file).Length is 0 or > LargestJson)
            return false;
        try
        {
            using var stream = File.OpenRead(file);
            using var document = JsonDocument.Parse(stream);
            return document.RootElement is { ValueKind: JsonValueKind.Object } root
                && (root.TryGetProperty("specs", out _) || root.TryGetProperty("spec", out _));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
