using System.Collections.Concurrent;
using System.Text;

namespace Parity.Spec.Data;

/// <summary>
/// A character-level language model over a UTF-8 file, by default Debian's word list (package
/// <c>wamerican</c>): the vocabulary is the file's distinct characters (Unicode scalar values) in ordinal
/// order, a sample a window of <c>block</c> characters at a seeded start, its target the same window moved
/// on by one. Training windows lie in the file's first 90 %, test windows in its last 10 %.
/// </summary>
public static class TextSource
{
    public const string DefaultPath = "/usr/share/dict/american-english";

    const double TrainShare = 0.9;

    /// <summary>A file's characters as token ids and its vocabulary, read once per path and process.</summary>
    public sealed record Tokens(int[] Ids, int[] Vocabulary)
    {
        /// <summary>Where the test part starts: the first 90 % of the characters are train's.</summary>
        public int TestStart => (int)(Ids.Length * TrainShare);
    }

    static readonly ConcurrentDictionary<string, Tokens> Read = new();

    /// <summary>The file's tokens; an <see cref="InputException"/> naming the fix when it cannot be read as UTF-8 text.</summary>
    public static Tokens Of(string path) => Read.TryGetValue(path, out var tokens) ? tokens : Read[path] = Tokenize(path);

    static Tokens Tokenize(string path)
    {
        if (!File.Exists(path))
            throw new InputException(path == DefaultPath
                ? $"{path}: the word list is not installed; install it with: apt-get install wamerican (or give data.path)"
                : $"{path}: no such file; give data.path as a UTF-8 text file, relative to the spec");
        if (InputFile.Problem(path, "text file", InputFile.TableBytes) is { } problem)
            throw new InputException($"{path} {problem}");
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            throw new InputException($"{path}: is not UTF-8 text; save it as UTF-8");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot be read ({e.Message})");
        }
        var scalars = text.EnumerateRunes().Select(r => r.Value).ToArray();
        var vocabulary = scalars.Distinct().Order().ToArray();
        var ids = vocabulary.Select((scalar, id) => (scalar, id)).ToDictionary(p => p.scalar, p => p.id);
        return new Tokens([.. scalars.Select(s => ids[s])], vocabulary);
    }

    /// <summary><paramref name="rows"/> windows of the split's part of the file, each at a seeded start.</summary>
    public static DataSplit Generate(DataSpec data, long seed, string split, int rows)
    {
        var tokens = Of(data.Path!);
        var block = data.Block;
        var (from, to) = split == "test" ? (tokens.TestStart, tokens.Ids.Length) : (0, tokens.TestStart);
        // A window and its target take block + 1 characters of the part.
        var starts = to - from - block;
        if (starts < 1)
            throw new InputException($"{data.Path}: its {split} part ({(split == "test" ? "last 10 %" : "first 90 %")}) has {to - from} characters, fewer than a window of block {block} and its next character; lower data.block or give a longer file");
        var random = SeededRandom.For(seed, $"data.{split}");
        var x = new double[rows * block];
        var y = new int[rows * block];
        for (var row = 0; row < rows; row++)
        {
            var start = from + random.NextInt(starts);
            for (var t = 0; t < block; t++)
            {
                x[row * block + t] = tokens.Ids[start + t];
                y[row * block + t] = tokens.Ids[start + t + 1];
            }
        }
        return new DataSplit(split, rows, block, new Float64Features(x), y, null, block);
    }
}
