using System.Buffers;
using System.Text;

namespace Parity.Protocol;

/// <summary>A line longer than the reader's limit: reading stopped at the limit.</summary>
sealed class LineTooLongException(long limit) : Exception($"a line longer than {limit} bytes");

/// <summary>
/// Lines of UTF-8 read from a stream, each held only up to a limit given per line: a line past it is
/// a <see cref="LineTooLongException"/> as soon as the limit is passed, with no more than the limit
/// read into memory. (<see cref="StreamReader.ReadLine"/> holds a whole line whatever its length, and
/// fails past 2 GB.)
/// </summary>
sealed class LineReader(Stream stream)
{
    readonly byte[] _chunk = new byte[64 * 1024];
    int _start, _end;

    /// <summary>The next line without its <c>\n</c> (or <c>\r\n</c>); the last one even without a <c>\n</c>; null at the end of the stream.</summary>
    public string? ReadLine(long limit)
    {
        var line = new ArrayBufferWriter<byte>();
        while (true)
        {
            var unread = _chunk.AsSpan(_start, _end - _start);
            var newline = unread.IndexOf((byte)'\n');
            var piece = newline >= 0 ? unread[..newline] : unread;
            if (line.WrittenCount + (long)piece.Length > limit)
                throw new LineTooLongException(limit);
            line.Write(piece);
            if (newline >= 0)
            {
                _start += newline + 1;
                return Decode(line.WrittenSpan);
            }
            _start = 0;
            _end = stream.Read(_chunk);
            if (_end == 0)
                return line.WrittenCount > 0 ? Decode(line.WrittenSpan) : null;
        }
    }

    static string Decode(ReadOnlySpan<byte> line) => Encoding.UTF8.GetString(line.EndsWith("\r"u8) ? line[..^1] : line);
}
