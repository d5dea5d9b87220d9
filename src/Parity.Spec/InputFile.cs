using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Parity.Spec;

/// <summary>
/// A file Parity reads from the user — a spec, a CSV table, an <c>init.from</c> state_dict — must be a
/// regular file within its size limit, judged by the file system's record of it before it is opened:
/// opening a FIFO blocks until someone writes to it, and a device (<c>/dev/zero</c>) never ends.
/// </summary>
public static class InputFile
{
    public const long SpecBytes = 4L << 20, TableBytes = 256L << 20, WeightsBytes = 2L << 30;

    const int AtCurrentDirectory = -100;
    const uint StatxType = 0x1, StatxSize = 0x200;
    // struct statx: stx_mode (16 bits) at byte 28, stx_size (64 bits) at byte 40, the same on every architecture.
    const int ModeOffset = 28, SizeOffset = 40, StatxBytes = 256;

    /// <summary>
    /// What keeps <paramref name="path"/> from being read as a <paramref name="what"/> of at most
    /// <paramref name="limit"/> bytes — "is a FIFO, not a regular file" — or null when nothing does, or
    /// when it cannot be examined, which opening it will then say.
    /// </summary>
    public static string? Problem(string path, string what, long limit)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var record = new byte[StatxBytes];
        if (statx(AtCurrentDirectory, path, 0, StatxType | StatxSize, record) != 0)
            return null;
        var kind = BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(ModeOffset)) & 0xF000;
        var size = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(SizeOffset));
        return kind switch
        {
            0x8000 when size > limit => $"is {Size(size)}, more than the {Size(limit)} a {what} may be (see Parity's docs/commands.md#what-every-command-promises)",
            0x8000 => null,
            0x4000 => $"is a directory, not a regular file; give the path of a {what}",
            0x1000 => $"is a FIFO, not a regular file; give the path of a {what} on disk",
            0x2000 => $"is a character device, not a regular file; give the path of a {what} on disk",
            0x6000 => $"is a block device, not a regular file; give the path of a {what} on disk",
            0xC000 => $"is a socket, not a regular file; give the path of a {what} on disk",
            _ => $"is not a regular file; give the path of a {what} on disk",
        };
    }

    static string Size(long bytes) => bytes >= 1L << 20
        ? $"{(bytes / (double)(1L << 20)).ToString("#,0.#", CultureInfo.InvariantCulture)} MiB"
        : $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes";

    [DllImport("libc", CharSet = CharSet.Ansi, SetLastError = true)]
    static extern int statx(int directory, string path, int flags, uint mask, [Out] byte[] record);
}
