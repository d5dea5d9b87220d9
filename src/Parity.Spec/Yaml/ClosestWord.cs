namespace Parity.Spec.Yaml;

/// <summary>Finds the valid word a misspelt one was meant to be (edit distance), for "did you mean".</summary>
public static class ClosestWord
{
    public static string? Find(string word, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Word: c, Distance: Distance(word.ToLowerInvariant(), c)))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Word is not null && best.Distance <= Math.Max(2, word.Length / 3) ? best.Word : null;
    }

    public static string Hint(string word, IReadOnlyCollection<string> candidates)
    {
        var closest = Find(word, candidates);
        var valid = $"valid: {string.Join(", ", candidates)}";
        return closest is null ? valid : $"did you mean '{closest}'? ({valid})";
    }

    static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1),
                    previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
