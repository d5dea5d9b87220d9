using System.Text;

namespace Parity.Protocol;

/// <summary>
/// Splits an engine's command into words as a POSIX shell does for a simple command: blanks separate
/// words, single quotes keep everything literally, double quotes keep blanks (a backslash escapes
/// <c>\ " $ `</c> in them), and a backslash outside quotes escapes the next character. No variables,
/// globs, pipes or redirections: the engine is started directly, so it is Parity's own child and is
/// reaped when stopped (a wrapping shell would leave it orphaned).
/// </summary>
public static class CommandWords
{
    public static IReadOnlyList<string> Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord)
                        words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    continue;
                case '\'':
                    var close = command.IndexOf('\'', i + 1);
                    if (close < 0)
                        throw Unterminated(command, "single quote");
                    word.Append(command, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i = DoubleQuoted(command, i + 1, word);
                    break;
                case '\\':
                    if (i + 1 < command.Length)
                        word.Append(command[++i]);
                    break;
                default:
                    word.Append(c);
                    break;
            }
            inWord = true;
        }
        if (inWord)
            words.Add(word.ToString());
        if (words.Count == 0)
            throw new ProtocolException("--engine exec: needs a command after 'exec:', e.g. exec:python3 engine.py", ProtocolException.EngineBroken);
        return words;
    }

    /// <summary>Appends the double-quoted text starting at <paramref name="start"/>; returns the index of the closing quote.</summary>
    static int DoubleQuoted(string command, int start, StringBuilder word)
    {
        for (var i = start; i < command.Length; i++)
        {
            var c = command[i];
            if (c == '"')
                return i;
            if (c == '\\' && i + 1 < command.Length && command[i + 1] is '\\' or '"' or '$' or '`')
                c = command[++i];
            word.Append(c);
        }
        throw Unterminated(command, "double quote");
    }

    static ProtocolException Unterminated(string command, string quote) =>
        new($"--engine exec:{command}: a {quote} is never closed", ProtocolException.EngineBroken);
}
