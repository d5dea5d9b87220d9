using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;

namespace Parity.Spec.Data;

/// <summary>
/// Fashion-MNIST as Debian's <c>dataset-fashion-mnist</c> installs it: gzip'd idx files. Pixels are
/// scaled to [0, 1]; a class subset is relabelled 0..k-1 in the order the spec lists it.
/// </summary>
public static class FashionMnistSource
{
    /// <summary>Where the data set is read from; PARITY_FASHION_MNIST overrides the Debian location.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("PARITY_FASHION_MNIST") is { Length: > 0 } folder ? folder : "/usr/share/datasets/fashion-mnist";

    // Each file's decompressed contents, kept for the process: a suite's Fashion-MNIST specs all read the
    // same 55 MB, which would otherwise be inflated again (half a second each) for every spec.
    static readonly ConcurrentDictionary<string, byte[]> Decoded = new();

    public static DataSplit Load(string split, string filePrefix, IReadOnlyList<int>? classes, int limit)
    {
        var images = ReadIdx(Path.Combine(Folder, $"{filePrefix}-images-idx3-ubyte.gz"), 0x803);
        var labels = ReadIdx(Path.Combine(Folder, $"{filePrefix}-labels-idx1-ubyte.gz"), 0x801);
        var relabel = classes is null ? null : classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);

        var rows = new List<int>();
        for (var i = 0; i < labels.Length && rows.Count < limit; i++)
            if (relabel is null || relabel.ContainsKey(labels[i]))
                rows.Add(i);

        const int pixels = DataShapes.FashionMnistPixels;
        var y = rows.Select(source => relabel is null ? labels[source] : relabel[labels[source]]).ToArray();
        // The file's own bytes when the split is its first rows (shared, read-only, with every spec that reads them).
        var all = new ScaledBytes(images, 255.0);
        var x = rows.Count == labels.Length ? all : all.Rows(rows, pixels);
        return new DataSplit(split, rows.Count, pixels, x, y, null, 1);
    }

    /// <summary>The idx file's values after its header; read once per path and process, shared read-only.</summary>
    static byte[] ReadIdx(string path, int magic) => Decoded.TryGetValue(path, out var values) ? values : Decoded[path] = Decode(path, magic);

    static byte[] Decode(string path, int magic)
    {
        if (!File.Exists(path))
            throw new InputException($"{path}: Fashion-MNIST is not installed; install it with: apt-get install dataset-fashion-mnist (or set PARITY_FASHION_MNIST to a folder of its .gz files)");
        try
        {
            using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            var header = 4 * (1 + (magic & 0xFF));
            if (bytes.Length < header || BinaryPrimitives.ReadInt32BigEndian(bytes) != magic)
                throw new InputException($"{path}: not an idx file of the expected kind; reinstall dataset-fashion-mnist");
            return bytes[header..];
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path}: damaged gzip file ({e.Message}); reinstall dataset-fashion-mnist");
        }
    }
}
