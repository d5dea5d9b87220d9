using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>
/// A folder Parity writes whole — reports (<c>report</c>, <c>suite</c>, <c>merge</c>), a reproduction
/// (<c>shrink --out</c>), a dump (<c>check --dump</c>) — and the one rule for its place: Parity only ever
/// replaces a folder it wrote. The files go into a staging folder beside the target, which
/// <see cref="Commit"/> puts in the target's place whole, with the mark <see cref="MarkFile"/>; a target
/// that exists, holds anything, and lacks that mark is refused by <see cref="Claim"/>, before any work.
/// </summary>
public sealed class OutputFolder : IDisposable
{
    /// <summary>The file that marks a folder as Parity's. Its text is the same on every run: the committed reports/ hold it, and a fresh suite run must reproduce them file for file.</summary>
    public const string MarkFile = ".parity-output";

    const string MarkText = "Written by Parity (parity report, suite, merge, shrink or check --dump). Parity replaces this folder whole when told to write here again; remove this file to keep it from doing so.\n";

    /// <summary>The folder the files end up in.</summary>
    public string Target { get; }

    /// <summary>Where the files are written meanwhile: beside the target, so that the swap is a rename.</summary>
    public string Staging { get; }

    readonly string _option;

    OutputFolder(string option, string target) =>
        (_option, Target, Staging) = (option, target, $"{target}.partial-{Environment.ProcessId}");

    /// <summary>
    /// The folder <paramref name="option"/> names, checked before any work: a folder, or nothing yet, under
    /// a parent that exists; empty, or marked as Parity's; and writable — the staging folder is made now,
    /// so a read-only file system or a parent without write permission is found before the computing.
    /// </summary>
    public static OutputFolder Claim(string path, string option)
    {
        var target = Path.GetFullPath(path);
        if (File.Exists(target))
            throw new InputException($"{path}: is a file; {option} takes a folder");
        if (Path.GetDirectoryName(target) is not { } parent || !Directory.Exists(parent))
            throw new InputException($"{path}: the folder {Path.GetDirectoryName(target) ?? target} does not exist; create it first");
        var folder = new OutputFolder(option, target);
        folder.RefuseForeign();
        try
        {
            Directory.CreateDirectory(folder.Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot be written ({e.Message}); {option} a folder on a writable file system that you may write to");
        }
        return folder;
    }

    /// <summary>Marks the staged files as Parity's and puts them in the target's place; the old folder goes only once the new one is there.</summary>
    public void Commit()
    {
        AtomicFile.Write(Path.Combine(Staging, MarkFile), MarkText);
        // Checked again: something else may have written into the target while the work ran.
        RefuseForeign();
        var old = $"{Target}.old-{Environment.ProcessId}";
        try
        {
            if (Directory.Exists(Target))
                Directory.Move(Target, old);
            Directory.Move(Staging, Target);
            if (Directory.Exists(old))
                Directory.Delete(old, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{Target}: cannot be replaced ({e.Message}); {_option} a folder you may write to");
        }
    }

    /// <summary>Removes what an interrupted or failed run staged; the target is as it was.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Staging))
            Directory.Delete(Staging, recursive: true);
    }

    /// <summary>Refuses a target that holds anything without Parity's mark; named by its full path, as "--out ." names no folder a reader can check.</summary>
    void RefuseForeign()
    {
        try
        {
            if (!Directory.Exists(Target) || !Directory.EnumerateFileSystemEntries(Target).Any() || File.Exists(Path.Combine(Target, MarkFile)))
                return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{Target}: cannot be read ({e.Message}); {_option} a folder you may write to");
        }
        throw new InputException($"{Target}: holds files Parity did not write, and {_option} replaces the folder whole; "
            + $"{_option} an empty or new folder, or one Parity wrote (it holds {MarkFile})");
    }
}
