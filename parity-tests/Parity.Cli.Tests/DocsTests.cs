using System.Text.RegularExpressions;
using Parity.Cli.Examples;

namespace Parity.Cli.Tests;

/// <summary>
/// The README and docs/ a newcomer walks: a short README, every relative link and #anchor resolving,
/// every command documented, and the minimal engine docs/protocol.md lists passing parity check as written.
/// </summary>
public class DocsTests
{
    const int ReadmeMostLines = 200;

    static string Root => Repository.Root;

    static string Readme => Path.Combine(Root, "README.md");

    static IEnumerable<string> Pages() => Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal).Prepend(Readme);

    [Fact]
    public void The_readme_is_short()
    {
        var lines = File.ReadAllLines(Readme).Length;
        Assert.True(lines <= ReadmeMostLines, $"README.md has {lines} lines, more than {ReadmeMostLines}: move the detail into docs/");
    }

    [Fact]
    public void Every_relative_link_and_anchor_of_the_readme_and_docs_resolves()
    {
        var broken = MarkdownLinks.Broken(Root, Pages());
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Fact]
    public void A_link_to_a_missing_file_or_heading_is_found()
    {
        using var temp = new TempFolder();
        var page = temp.File("page.md", "# Page\n\n## Two words\n\n[ok](#two-words) [ok](other.md#other) [file](missing.md) [anchor](other.md#nowhere)\n"
            + "`[code](missing-in-code.md)`\n```\n[fenced](missing-in-a-block.md)\n```\n[web](https://example.org/missing)\n");
        temp.File("other.md", "# Other\n");
        var broken = MarkdownLinks.Broken(temp.Path, [page]);
        Assert.Equal(2, broken.Count);
        Assert.Contains("page.md:5: (missing.md): no such file missing.md", broken);
        Assert.Contains("page.md:5: (other.md#nowhere): no heading of other.md has the anchor #nowhere", broken);
    }

    [Theory]
    [InlineData("`parity baseline` and `check --baseline`", "parity-baseline-and-check---baseline")]
    [InlineData("`--readme FILE`: tables written into Markdown", "--readme-file-tables-written-into-markdown")]
    [InlineData("This repository's own CI", "this-repositorys-own-ci")]
    [InlineData("Memory over 100,000 steps", "memory-over-100000-steps")]
    [InlineData("What repeats bit for bit, and what only up to rounding", "what-repeats-bit-for-bit-and-what-only-up-to-rounding")]
    public void Headings_are_slugged_as_github_does(string heading, string slug) => Assert.Equal(slug, MarkdownLinks.Slug(heading));

    /// <summary>Where `parity suite`, `bench` and `soak` write the repository's own figures (--readme docs/results.md).</summary>
    [Theory]
    [InlineData("train")]
    [InlineData("bench")]
    [InlineData("soak")]
    public void Docs_results_has_the_markers_each_generated_table_is_written_between(string table) =>
        Output.ReadmeSection.CheckUpdatable(Path.Combine(Root, "docs", "results.md"), table);

    [Fact]
    public void Every_command_is_in_the_readme_table_and_has_its_section_in_docs_commands()
    {
        var (exit, output, _) = Cli.Run("--help");
        Assert.Equal(0, exit);
        var commands = Regex.Matches(output[output.IndexOf("Commands:", StringComparison.Ordinal)..], @"^\s{2}(?<name>[a-z]+)\b", RegexOptions.Multiline)
            .Select(m => m.Groups["name"].Value).ToList();
        Assert.NotEmpty(commands);
        var readme = File.ReadAllLines(Readme);
        var reference = File.ReadAllLines(Path.Combine(Root, "docs", "commands.md"));
        Assert.All(commands, command =>
        {
            Assert.Contains(readme, line => line.StartsWith($"| `parity {command}", StringComparison.Ordinal));
            Assert.Contains(reference, line => line.StartsWith("## ", StringComparison.Ordinal) && line.Contains($"`parity {command}`", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void The_minimal_engine_of_the_protocol_page_passes_check_as_listed_and_fails_with_a_planted_bug()
    {
        using var temp = new TempFolder();
        var engine = temp.File("minimal_engine.py", ListedEngine());
        var (exit, output, error) = Check(engine);
        Assert.True(exit == 0, output + error);
        Assert.Contains("passed xor-tanh-bce", output);

        var buggy = temp.File("buggy_engine.py", ListedEngine().Replace("+= g.sum(axis=0)", "+= g.mean(axis=0)"));
        (exit, output, error) = Check(buggy);
        Assert.True(exit == 1, output + error);
        Assert.Contains("only the bias gradients are wrong", output);
    }

    /// <summary>The Python listing under "A minimal engine" in docs/protocol.md, as a reader would copy it.</summary>
    static string ListedEngine()
    {
        var page = File.ReadAllText(Path.Combine(Root, "docs", "protocol.md"));
        var section = page[page.IndexOf("## A minimal engine", StringComparison.Ordinal)..];
        var start = section.IndexOf("```python\n", StringComparison.Ordinal) + "```python\n".Length;
        return section[start..section.IndexOf("\n```", start, StringComparison.Ordinal)] + "\n";
    }

    // In a process of its own, as a user runs it: the reference then never shares this test host.
    static (int Exit, string Output, string Error) Check(string engine) =>
        Cli.RunProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "parity.dll"), "check", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--engine", $"exec:{ExampleEngines.Python} {engine}"]);
}
