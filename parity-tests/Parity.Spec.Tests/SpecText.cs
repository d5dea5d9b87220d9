namespace Parity.Spec.Tests;

/// <summary>
/// A small valid spec, one top-level key per line, that a test changes a line at a time; the line and
/// column an error test expects are those of the changed line (a new key goes to line 8).
/// </summary>
static class SpecText
{
    public const string File = "spec.yaml";

    static readonly string[] Lines =
    [
        "name: probe",                                  // 1
        "seed: 1",                                      // 2
        "data: {source: disk, train: 10}",              // 3
        "model: [linear: 4, relu, linear: 1, sigmoid]", // 4
        "loss: bce",                                    // 5
        "optimizer: {sgd: {lr: 0.1}}",                  // 6
        "train: {epochs: 1, batch: 5}",                 // 7
    ];

    public static string Valid => Join(Lines);

    /// <summary>Each "key: value" line of <paramref name="overrides"/> replaces the line of that key, or is appended.</summary>
    public static string With(string overrides)
    {
        var lines = Lines.ToList();
        foreach (var line in overrides.Split('\n'))
        {
            var at = lines.FindIndex(l => KeyOf(l) == KeyOf(line));
            if (at >= 0)
                lines[at] = line;
            else
                lines.Add(line);
        }
        return Join(lines);
    }

    public static string Without(string key) => Join(Lines.Where(l => KeyOf(l) != key));

    public static ParitySpec Parse(string text) => SpecLoader.Parse(text, File);

    public static ParitySpec ParseWith(string overrides) => Parse(With(overrides));

    public static void AssertError(string text, string problem, int line, int column)
    {
        var error = Assert.Throws<SpecException>(() => Parse(text));
        Assert.Contains(problem, error.Problem);
        Assert.Equal(new SourceMark(File, line, column), error.Mark);
    }

    static string KeyOf(string line) => line[..line.IndexOf(':')];

    static string Join(IEnumerable<string> lines) => string.Join('\n', lines) + "\n";
}
