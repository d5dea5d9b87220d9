namespace Parity.Protocol.Tests;

public class CommandWordsTests
{
    [Theory]
    [InlineData("python3 engine.py", new[] { "python3", "engine.py" })]
    [InlineData("  python3\t engine.py  --bug   x ", new[] { "python3", "engine.py", "--bug", "x" })]
    [InlineData("python3 'my engine.py' \"--name=a b\"", new[] { "python3", "my engine.py", "--name=a b" })]
    [InlineData(@"run my\ engine 'it''s' ""a \""quoted\"" \$x \n""", new[] { "run", "my engine", "its", "a \"quoted\" $x \\n" })]
    [InlineData("run ''", new[] { "run", "" })]
    public void A_command_splits_into_words_as_a_shell_would(string command, string[] words) =>
        Assert.Equal(words, CommandWords.Split(command));

    [Theory]
    [InlineData("python3 \"engine.py", "--engine exec:python3 \"engine.py: a double quote is never closed")]
    [InlineData("", "--engine exec: needs a command after 'exec:', e.g. exec:python3 engine.py")]
    public void A_malformed_command_is_refused(string command, string message)
    {
        var error = Assert.Throws<ProtocolException>(() => CommandWords.Split(command));

        Assert.Equal(message, error.Message);
        Assert.Equal(ProtocolException.EngineBroken, error.ExitCode);
    }
}
