using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Parity.Cli.Tests;

/// <summary>
/// Every committed report says the same thing in all its files: report.md, report.html and junit.xml each render
/// every verdict that result.json records — the spec's, and each check's — and none of them differs. Read here from
/// the files alone, so that a renderer deciding a verdict of its own shows; and the console of a report run gives the
/// verdicts the files it wrote record.
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public partial class ReportVerdictsAgreeTests
{
    /// <summary>Each check: its JUnit test case, the start of its line in report.md's summary and in report.html's verdict list, and its verdict in result.json.</summary>
    static readonly (string Case, string Label, Func<JsonNode, bool?> Json)[] Checks =
    [
        ("gradient parity", "gradient parity (", r => r["check"]?["gradients_passed"]?.GetValue<bool>()),
        ("optimizer updates", "optimizer updates", r => r["check"]?["updates"]?["passed"]?.GetValue<bool>()),
        ("finite differences (engine)", "finite differences, engine (", r => r["check"]?["gradcheck"]?["engine"]?["passed"]?.GetValue<bool>()),
        ("finite differences (reference)", "finite differences, reference (", r => r["check"]?["gradcheck"]?["twin"]?["passed"]?.GetValue<bool>()),
        ("lockstep training", "lockstep training", r => r["train"]?["passed"]?.GetValue<bool>()),
    ];

    public static TheoryData<string> Reports() =>
        [.. Directory.GetFiles(Path.Combine(Repository.Root, "reports"), "report.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(f)!))];

    [Theory]
    [MemberData(nameof(Reports))]
    public void Markdown_html_and_junit_give_every_verdict_result_json_records(string folder) => Agree(Path.Combine(Repository.Root, folder));

    static void Agree(string folder)
    {
        var (json, markdown, html, junit) = Read(folder);

        Assert.Equal(json.Spec, markdown.Spec);
        Assert.Equal(json.Spec, html.Spec);
        foreach (var (name, passed) in json.Checks)
        {
            Assert.True(markdown.Checks.TryGetValue(name, out var md) && md == passed, $"{folder}: report.md's {name} is not result.json's ({passed})");
            Assert.True(html.Checks.TryGetValue(name, out var page) && page == passed, $"{folder}: report.html's {name} is not result.json's ({passed})");
            Assert.True(junit.TryGetValue(name, out var test) && test == passed, $"{folder}: junit.xml's {name} is not result.json's ({passed})");
        }
    }

    /// <summary>
    /// The console of a report run says what the files it wrote record: each check's ✓ or ✗, each stage's closing
    /// line and the spec's last line — for a spec the engine passes and for one a planted bug fails.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("--bug bias-grad-mean")]
    public void The_console_of_a_report_run_gives_every_verdict_its_files_record(string? bug)
    {
        using var temp = new TempFolder();
        string[] engine = bug is null ? [] : ["--engine", Examples.ExampleEngines.Numpy(Repository.Root, bug)];
        var (exit, output, error) = Cli.Run(["report", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--out", temp["reports"], "--shrink-seconds", "0", .. engine]);
        Assert.True(exit == (bug is null ? 0 : 1), output + error);
        var folder = Path.Combine(temp["reports"], "xor-tanh-bce");
        Agree(folder);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "result.json")))!;
        var console = ConsoleVerdicts(output);

        bool Recorded(string path) => path.Split('.').Aggregate((JsonNode?)result, (node, key) => node?[key])!.GetValue<bool>();
        Assert.Equal(Recorded("check.updates.passed"), console["updates"]);
        Assert.Equal(Recorded("check.gradcheck.engine.passed"), console["gradcheck engine"]);
        Assert.Equal(Recorded("check.gradcheck.twin.passed"), console["gradcheck reference"]);
        Assert.Equal(Recorded("check.passed"), console["check"]);
        Assert.Equal(Recorded("train.passed"), console["training"]);
        Assert.Equal(Recorded("passed"), console["spec"]);
        Assert.Equal(bug is null, console["spec"]);
    }

    /// <summary>The verdicts a report run's console gives for its one spec, by check; the spec's own is its closing line.</summary>
    static Dictionary<string, bool> ConsoleVerdicts(string output)
    {
        var verdicts = new Dictionary<string, bool>();
        foreach (var line in output.Split('\n').Select(l => l.Trim()))
        {
            if (ConsoleCheck().Match(line) is { Success: true } check)
                verdicts[check.Groups[2].Value switch { "updates:" => "updates", "gradcheck twin" or "gradcheck reference" => "gradcheck reference", _ => "gradcheck engine" }] = check.Groups[1].Value == "✓";
            else if (ConsoleStage().Match(line) is { Success: true } stage)
                verdicts[stage.Groups[2].Success ? stage.Groups[2].Value : "spec"] = stage.Groups[1].Value == "passed";
        }
        return verdicts;
    }

    /// <summary>A check's line: updates, or a gradcheck of the reference or of the engine (named by its label).</summary>
    [GeneratedRegex(@"^([✓✗]) (updates:|gradcheck twin|gradcheck reference|gradcheck)")]
    private static partial Regex ConsoleCheck();

    /// <summary>A stage's closing line (check, training, runtime targets) or, with no stage, the spec's own.</summary>
    [GeneratedRegex(@"^(passed|failed) xor-tanh-bce(?:: (check|training|runtime targets)\b.*)?$")]
    private static partial Regex ConsoleStage();

    [Fact]
    public void A_renderer_that_decides_a_verdict_of_its_own_is_caught()
    {
        var committed = Path.Combine(Repository.Root, "reports", "examples", "numpy-engine", "disk-three-layers");
        using var temp = new TempFolder();
        foreach (var file in Directory.GetFiles(committed))
            File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));
        // A summary line that calls gradient parity passed on its own reckoning, as report.md once did from the parameters' gradients alone.
        var markdown = Path.Combine(temp.Path, "report.md");
        File.WriteAllText(markdown, SummaryRow().Replace(File.ReadAllText(markdown), "| $1 | ✅ passed,", 1));

        Agree(committed);
        var caught = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Agree(temp.Path));
        Assert.Contains("report.md's gradient parity is not result.json's (False)", caught.Message);
    }

    sealed record Rendered(string Spec, bool Passed, Dictionary<string, bool> Checks);

    static (Rendered Json, Rendered Markdown, Rendered Html, Dictionary<string, bool> Junit) Read(string folder)
    {
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "result.json")))!;
        var json = new Rendered(result["spec"]!.GetValue<string>(), result["passed"]!.GetValue<bool>(),
            Checks.Where(c => c.Json(result) is not null).ToDictionary(c => c.Case, c => c.Json(result)!.Value));

        var mdText = File.ReadAllText(Path.Combine(folder, "report.md"));
        var title = MarkdownTitle().Match(mdText);
        var markdown = new Rendered(title.Groups[1].Value, title.Groups[2].Value == "✅ passed", Rows(mdText.Split('\n'), line => MarkdownRow().Match(line) is { Success: true } m ? (m.Groups[1].Value, m.Groups[2].Value == "✅ passed") : null));

        var htmlText = File.ReadAllText(Path.Combine(folder, "report.html"));
        var heading = HtmlTitle().Match(htmlText);
        var html = new Rendered(System.Net.WebUtility.HtmlDecode(heading.Groups[1].Value), heading.Groups[2].Value == "pass",
            Rows(HtmlItem().Matches(htmlText).Select(m => m.Value), item => HtmlItem().Match(item) is { Success: true } m ? (System.Net.WebUtility.HtmlDecode(m.Groups[2].Value), m.Groups[1].Value == "pass") : null));

        var junit = XDocument.Load(Path.Combine(folder, "junit.xml")).Descendants("testcase")
            .ToDictionary(c => (string)c.Attribute("name")!, c => c.Element("failure") is null);
        Assert.Equal(json.Passed, markdown.Passed);
        Assert.Equal(json.Passed, html.Passed);
        return (json, markdown, html, junit);
    }

    /// <summary>The checks found among the lines, each by the start of its label.</summary>
    static Dictionary<string, bool> Rows(IEnumerable<string> lines, Func<string, (string Text, bool Passed)?> read) =>
        lines.Select(read).OfType<(string Text, bool Passed)>()
            .SelectMany(row => Checks.Where(c => row.Text.StartsWith(c.Label, StringComparison.Ordinal)).Select(c => (c.Case, row.Passed)))
            .ToDictionary(p => p.Case, p => p.Passed);

    [GeneratedRegex(@"^# (.+) — (✅ passed|❌ failed)")]
    private static partial Regex MarkdownTitle();

    [GeneratedRegex(@"^\| ([^|]+) \| (✅ passed|❌ failed)")]
    private static partial Regex MarkdownRow();

    [GeneratedRegex(@"^\| (gradient parity[^|]*) \| ❌ failed,", RegexOptions.Multiline)]
    private static partial Regex SummaryRow();

    [GeneratedRegex(@"<h1>(.+?) <span class=""(pass|fail)"">")]
    private static partial Regex HtmlTitle();

    [GeneratedRegex(@"<li><span class=""(pass|fail)"">[✔✘]</span> ([^<]*)</li>")]
    private static partial Regex HtmlItem();
}
