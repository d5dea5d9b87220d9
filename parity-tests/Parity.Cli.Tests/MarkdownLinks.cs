using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

/// <summary>
/// The relative links of Markdown files, resolved as GitHub resolves them: the file a link names must
/// exist beside the linking file, and its <c>#anchor</c> must be a heading of that file under GitHub's
/// slug rules. Links with a scheme (https:, mailto:) are left alone: the repository works offline.
/// Code (fenced blocks and inline spans) is not prose, and links written in it are not links.
/// </summary>
public static partial class MarkdownLinks
{
    /// <summary>One line per link that does not resolve: the file and line, the link, and what is missing.</summary>
    public static IReadOnlyList<string> Broken(string root, IEnumerable<string> files)
    {
        var problems = new List<string>();
        foreach (var file in files)
            foreach (var (text, number) in Prose(File.ReadAllLines(file)))
                foreach (Match link in Link().Matches(text))
                {
                    var target = link.Groups["target"].Value;
                    if (Scheme().IsMatch(target))
                        continue;
                    var hash = target.IndexOf('#');
                    var (path, anchor) = hash < 0 ? (target, null) : (target[..hash], target[(hash + 1)..]);
                    var resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
                    var place = $"{Path.GetRelativePath(root, file)}:{number}: ({target})";
                    if (!File.Exists(resolved) && !Directory.Exists(resolved))
                        problems.Add($"{place}: no such file {Path.GetRelativePath(root, resolved)}");
                    else if (anchor is not null && !(File.Exists(resolved) && Anchors(resolved).Contains(anchor)))
                        problems.Add($"{place}: no heading of {Path.GetRelativePath(root, resolved)} has the anchor #{anchor}");
                }
        return problems;
    }

    /// <summary>The anchors GitHub gives a file's headings: each heading's slug, a repeated one suffixed -1, -2, ….</summary>
    public static IReadOnlySet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (text, _) in Prose(File.ReadAllLines(file), keepCode: true))
            if (Heading().Match(text) is { Success: true } heading)
            {
                var slug = Slug(heading.Groups["text"].Value);
                var count = seen.GetValueOrDefault(slug);
                seen[slug] = count + 1;
                anchors.Add(count == 0 ? slug : $"{slug}-{count}");
            }
        return anchors;
    }

    /// <summary>
    /// GitHub's slug of a heading: its text as rendered (code spans' content, a link's text), lower-cased,
    /// every character but letters, digits, spaces, hyphens and underscores removed, each space a hyphen.
    /// </summary>
    public static string Slug(string heading)
    {
        var rendered = LinkText().Replace(heading, "$1").Replace("`", "");
        var kept = rendered.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_');
        return string.Concat(kept).Replace(' ', '-');
    }

    /// <summary>The lines outside fenced code blocks, numbered from 1; inline code spans removed unless <paramref name="keepCode"/>.</summary>
    static IEnumerable<(string Text, int Number)> Prose(string[] lines, bool keepCode = false)
    {
        var fenced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            if (!fenced)
                yield return (keepCode ? lines[i] : CodeSpan().Replace(lines[i], ""), i + 1);
        }
    }

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkText();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();
}
