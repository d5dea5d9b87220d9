using System.Security.Cryptography;
using Parity.Cli.Commands;
using Parity.Cli.Output;

namespace Parity.Cli.Tests;

/// <summary>
/// The hostile-input catalogue's rows about what Parity writes and prints, each run as an adversarial
/// user would run it: output onto someone else's files, onto a place nobody may write, a name too long
/// for a path, Markdown and terminal escapes in text from outside. Each is refused with exit 2 and one
/// message naming the place and the fix, no stack trace, before any work — and nothing outside the
/// output changes — or, for text, shows it as the words it is.
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public class HostileInputTests
{
    const string ForeignFolder = $"holds files Parity did not write, and --out replaces the folder whole; --out an empty or new folder, or one Parity wrote (it holds {OutputFolder.MarkFile})";

    static string Spec(TempFolder temp, string? text = null) => temp.File("xor.yaml", text ?? ReportAndBaselineTests.Spec);

    [Fact]
    public void Report_out_onto_a_folder_holding_a_precious_file_is_refused_and_deletes_nothing()
    {
        using var temp = new TempFolder();
        var spec = Spec(temp);
        var mine = Directory.CreateDirectory(temp["mine"]).FullName;
        File.WriteAllText(Path.Combine(mine, "precious.txt"), "precious");
        var before = Tree(temp.Path);

        var (exit, output, error) = Cli.Run("report", spec, "--out", mine);

        AssertRefused(exit, output, error, $"parity: {mine}: {ForeignFolder}");
        Assert.Equal(before, Tree(temp.Path));
    }

    [Fact]
    public void Report_out_dot_in_a_folder_holding_the_spec_other_files_and_git_is_refused_and_deletes_nothing()
    {
        using var temp = new TempFolder();
        Spec(temp);
        temp.File("notes.txt", "mine");
        Directory.CreateDirectory(temp[".git"]);
        File.WriteAllText(Path.Combine(temp[".git"], "HEAD"), "ref: refs/heads/main\n");
        var before = Tree(temp.Path);
        var besides = Beside(temp.Path);

        // As a user runs it: from a shell in that folder.
        var (exit, output, error) = Cli.RunProcess("dotnet", [Path.Combine(AppContext.BaseDirectory, "parity.dll"), "report", "xor.yaml", "--out", "."], temp.Path);

        AssertRefused(exit, output, error, $"parity: {temp.Path}: {ForeignFolder}");
        Assert.Equal(before, Tree(temp.Path));
        Assert.Equal(besides, Beside(temp.Path));
    }

    [Fact]
    public void The_committed_reports_carry_the_mark_so_that_parity_suite_replaces_them()
    {
        Assert.True(File.Exists(Path.Combine(Repository.Root, SuiteCommand.Reports, OutputFolder.MarkFile)));
    }

    [Fact]
    public void Check_dump_and_shrink_out_onto_a_folder_Parity_did_not_write_are_refused()
    {
        using var temp = new TempFolder();
        var spec = Spec(temp);
        var mine = Directory.CreateDirectory(temp["mine"]).FullName;
        File.WriteAllText(Path.Combine(mine, "precious.txt"), "precious");
        var before = Tree(temp.Path);

        var dump = Cli.Run("check", spec, "--dump", mine);
        AssertRefused(dump.Exit, dump.Output, dump.Error, $"parity: {mine}: {ForeignFolder.Replace("--out", "--dump")}");
        var shrink = Cli.Run("shrink", spec, "--out", mine);
        AssertRefused(shrink.Exit, shrink.Output, shrink.Error, $"parity: {mine}: {ForeignFolder}");
        Assert.Equal(before, Tree(temp.Path));
    }

    [Fact]
    public void Json_onto_a_file_that_is_not_a_json_document_Parity_wrote_is_refused_and_one_it_wrote_is_replaced()
    {
        using var temp = new TempFolder();
        var spec = Spec(temp);
        var json = temp.File("settings.json", """{"engine": "mine", "colour": "blue"}""");
        var notJson = temp.File("notes.json", "not json");
        var before = Tree(temp.Path);

        var (exit, output, error) = Cli.Run("check", spec, "--json", json);

        AssertRefused(exit, output, error, $"parity: {json}: exists and is not a JSON document Parity wrote, which is all Parity overwrites; give a new file name, or move the file away first");
        var baseline = Cli.Run("baseline", spec, "--out", notJson);
        AssertRefused(baseline.Exit, baseline.Output, baseline.Error, $"parity: {notJson}: exists and is not a JSON document Parity wrote");
        Assert.Equal(before, Tree(temp.Path));

        // A --json Parity wrote is its own to replace.
        var written = temp["result.json"];
        File.WriteAllText(written, """{"passed": false, "specs": []}""");
        var again = Cli.Run("check", spec, "--json", written);
        Assert.True(again.Exit == 0, again.Error + again.Output);
        Assert.Contains("\"unseen-report\"", File.ReadAllText(written));
    }

    [Fact]
    public async Task Json_onto_a_fifo_is_refused_without_opening_it()
    {
        using var temp = new TempFolder();
        var spec = Spec(temp);
        var fifo = temp["result.json"];
        Assert.Equal(0, Cli.RunProcess("mkfifo", [fifo]).Exit);

        // Opened, a FIFO without a writer blocks the read forever.
        var (exit, output, error) = await Task.Run(() => Cli.Run("check", spec, "--json", fifo)).WaitAsync(TimeSpan.FromSeconds(60));

        AssertRefused(exit, output, error, $"parity: {fifo}: exists and is not a JSON document Parity wrote");
        Assert.True(Cli.RunProcess("test", ["-p", fifo]).Exit == 0, "the FIFO was replaced");
    }

    [Fact]
    public void A_folder_given_files_of_someone_elses_while_the_work_ran_is_not_replaced()
    {
        using var temp = new TempFolder();
        using var folder = OutputFolder.Claim(temp["out"], "--out");
        File.WriteAllText(Path.Combine(folder.Staging, "report.md"), "new");
        Directory.CreateDirectory(temp["out"]);
        File.WriteAllText(Path.Combine(temp["out"], "precious.txt"), "precious");

        var refused = Assert.Throws<Spec.InputException>(folder.Commit);

        Assert.StartsWith($"{temp["out"]}: holds files Parity did not write", refused.Message);
        Assert.Equal(new[] { "precious.txt" }, Directory.GetFiles(temp["out"]).Select(file => Path.GetFileName(file)).ToArray());
    }

    [Fact]
    public void Readme_is_rewritten_only_between_its_own_markers_and_a_file_without_them_is_refused()
    {
        using var temp = new TempFolder();
        var spec = Spec(temp);
        var notes = temp.File("notes.md", "# My notes\n\nno markers here\n");
        var before = Tree(temp.Path);

        var (exit, output, error) = Cli.Run("train", spec, "--readme", notes);

        AssertRefused(exit, output, error, $"parity: {notes}: has no section to update; add the lines <!-- parity:train:begin --> and <!-- parity:train:end --> where the table goes");
        Assert.Equal(before, Tree(temp.Path));

        File.WriteAllText(notes, "# My notes\n<!-- parity:train:begin -->\nold table\n<!-- parity:train:end -->\nmine, after\n");
        (exit, output, error) = Cli.Run("train", spec, "--readme", notes);
        Assert.True(exit == 0, error + output);
        var lines = File.ReadAllLines(notes);
        Assert.Equal(["# My notes", "<!-- parity:train:begin -->"], lines[..2]);
        Assert.Equal(["<!-- parity:train:end -->", "mine, after"], lines[^2..]);
        Assert.Contains(lines, line => line.StartsWith("| `unseen-report` |", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("report", "--out", "/proc/parity-x")]
    [InlineData("check", "--json", "/proc/parity-x.json")]
    [InlineData("check", "--dump", "/proc/parity-x")]
    public void Output_where_nobody_may_write_is_refused_before_the_computing(string command, string option, string place)
    {
        // /proc refuses new entries even to root, as CI runs the tests; a read-only mount or a folder without write permission fails the same way.
        using var temp = new TempFolder();
        var spec = Spec(temp);

        var (exit, output, error) = Cli.Run(command, spec, option, place);

        AssertRefused(exit, output, error, $"parity: {place}: cannot be written (");
        Assert.Contains("a writable file system that you may write to", error);
        Assert.False(Path.Exists(place));
    }

    [Fact]
    public void A_name_of_301_characters_is_refused_at_the_name_naming_the_limit()
    {
        using var temp = new TempFolder();
        var name = new string('a', 301);
        var spec = Spec(temp, text: ReportAndBaselineTests.Spec.Replace("unseen-report", name));

        var (exit, output, error) = Cli.Run("report", spec, "--out", temp["out"]);

        AssertRefused(exit, output, error, $"parity: {spec}:1:7: 'name' is 301 characters long; keep it to 100 (it names the report folder, and with its parents must fit a path)");
        Assert.Equal(new[] { "xor.yaml" }, Directory.GetFileSystemEntries(temp.Path).Select(entry => Path.GetFileName(entry)).ToArray());
    }

    [Fact]
    public void A_description_opening_an_html_comment_is_shown_inert_in_the_markdown_report()
    {
        using var temp = new TempFolder();
        var spec = Spec(temp, text: ReportAndBaselineTests.Spec
            + "\ndescription: \"<!-- x\"\nexpect: {reported: \"# [a link](https://example.com) | *not emphasis*\"}\n");

        var (exit, output, error) = Cli.Run("report", spec, "--out", temp["out"], "--shrink-seconds", "0");

        Assert.True(exit == 0, error + output);
        var report = File.ReadAllText(Path.Combine(temp["out"], "unseen-report", "report.md"));
        Assert.Contains("\n\\<\\!-- x\n", report);
        Assert.Contains("the seed project reported: \\# \\[a link\\](https://example.com) \\| \\*not emphasis\\*", report);
        // The only comments left are the report's own timing markers, so Summary and the rest stay visible.
        Assert.Equal(new[] { "<!-- timings -->", "<!-- /timings -->" }, report.Split('\n').Where(line => line.Contains("<!--") && !line.Contains("\\<")).ToArray());
        Assert.Contains("## Summary", report);
    }

    [Theory]
    [InlineData("<!-- x", "\\<\\!-- x")]
    [InlineData("# heading", "\\# heading")]
    [InlineData("a | b", "a \\| b")]
    [InlineData("[link](https://example.com)", "\\[link\\](https://example.com)")]
    [InlineData("*strong* _em_ `code` ~~gone~~ $x$", "\\*strong\\* \\_em\\_ \\`code\\` \\~\\~gone\\~\\~ \\$x\\$")]
    [InlineData("- item", "\\- item")]
    [InlineData("1. item", "1\\. item")]
    [InlineData("97.7 % test accuracy", "97.7 % test accuracy")]
    [InlineData("two\n\n# lines", "two \\# lines")]
    [InlineData("&lt;b&gt; cross-entropy 1.5", "\\&lt;b\\&gt; cross-entropy 1.5")]
    public void Text_from_outside_is_inert_in_markdown(string text, string inert) => Assert.Equal(inert, MarkdownText.Inert(text));

    [Fact]
    public void Ansi_escapes_on_an_engines_stderr_are_shown_escaped_never_sent_raw()
    {
        using var temp = new TempFolder();
        var spec = Spec(temp);
        // An engine that retitles the terminal and clears the screen, then dies before answering.
        var engine = temp.File("engine.sh", "printf '\\033]0;pwned\\007\\033[2Jcleared\\n' >&2\nexit 3\n");

        var (exit, output, error) = Cli.Run("check", spec, "--engine", $"exec:sh {engine}");

        Assert.True(exit == 2, error + output);
        Assert.DoesNotContain(error + output, c => c is '\u001B' or '\u0007');
        Assert.Contains("] \\u001B]0;pwned\\u0007\\u001B[2Jcleared\n", error);
        Assert.Single(error.Split('\n'), line => line.StartsWith("parity: ", StringComparison.Ordinal));
        Assert.DoesNotContain(" at Parity.", error);
    }

    /// <summary>Exit 2, nothing printed but the one message, which starts as given; no stack trace.</summary>
    static void AssertRefused(int exit, string output, string error, string message)
    {
        Assert.True(exit == 2, $"exit {exit}\n{error}\n{output}");
        Assert.Equal("", output);
        Assert.StartsWith(message, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(" at Parity.", error);
    }

    /// <summary>Every file and folder under <paramref name="folder"/>, hidden ones too, with a hash of each file's bytes.</summary>
    internal static string[] Tree(string folder) =>
        Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => File.Exists(path) ? $"{Path.GetRelativePath(folder, path)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}" : Path.GetRelativePath(folder, path) + "/")
            .ToArray();

    /// <summary>What lies beside <paramref name="folder"/> under its name (a staging or an old folder would).</summary>
    static string[] Beside(string folder) =>
        Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!, Path.GetFileName(folder) + ".*").Order(StringComparer.Ordinal).ToArray();
}
