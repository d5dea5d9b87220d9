using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

/// <summary>
/// A failing report opens with the answer — the culprit, the evidence, how to reproduce it and what to
/// try — before any other figure; a passing one has no such section.
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public partial class FailingReportTests
{
    static string Numpy(string options) => Examples.ExampleEngines.Numpy(Repository.Root, options);

    [Fact]
    public void A_failing_report_opens_with_the_culprit_and_its_evidence()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("report", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--engine", Numpy("--bug bias-grad-mean"), "--out", temp["reports"]);

        Assert.True(exit == 1, output + error);
        var markdown = File.ReadAllText(Path.Combine(temp["reports"], "xor-tanh-bce", "report.md"));
        Assert.StartsWith("# xor-tanh-bce — ❌ failed\n\n## The answer\n\n**Culprit:** only the bias gradients are wrong (0.bias, 2.bias)", markdown);
        Assert.Matches(@"\| 0\.bias \| gradient \| norm ratio 0\.250000, cosine 1\.000000 \| max rel err ", markdown);
        // The minimal reproduction beside the report: the shrunk spec, its frozen tensors and the xunit test.
        // The advice names the engine in use, an exec: command, and sends no one to dotnet test with an assembly it does not have.
        Assert.Matches(@"\*\*Reproduce:\*\* `parity check reproduction/spec\.yaml --engine 'exec:[^']+engine\.py --bug bias-grad-mean'` fails the same way on the smallest spec found \(17 → \d+ parameters, 300 → 1 training steps\)", markdown);
        Assert.DoesNotContain("PARITY_ENGINE=", markdown);
        // The console closes the spec with its verdict, after its stages' own lines.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("failed xor-tanh-bce", lines[^2]);
        Assert.StartsWith("reports: ", lines[^1]);
        foreach (var file in new[] { "spec.yaml", "initial.safetensors", "batch.safetensors", "expected.safetensors", "ShrunkReproduction.cs", "ShrunkReproduction.csproj" })
            Assert.True(File.Exists(Path.Combine(temp["reports"], "xor-tanh-bce", "reproduction", file)), file);
        Assert.Contains("**Try:** fix the backward the culprit names", markdown);
        // The re-sync table: the linear layers' own errors, in their bias gradients; the tanh between them has none.
        Assert.Contains("## Per-layer re-sync", markdown);
        Assert.Matches(@"\| 0 \| \S+ \(0\.bias\) \| \S+ \| own \|", markdown);
        Assert.Matches(@"\| 2 \| \S+ \(2\.bias\) \| \S+ \| own \|", markdown);
        Assert.Matches(@"\| 1 \| [^|(]+ \| \S+ \| agrees \|", markdown);
        using (var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(temp["reports"], "xor-tanh-bce", "result.json"))))
        {
            var layers = result.RootElement.GetProperty("check").GetProperty("resync").GetProperty("layers");
            Assert.Equal("own", layers[0].GetProperty("verdict").GetString());
            Assert.Equal("0.bias", layers[0].GetProperty("worst_own").GetString());
        }
        var html = File.ReadAllText(Path.Combine(temp["reports"], "xor-tanh-bce", "report.html"));
        Assert.Matches(FirstSectionAfterTitle(), html);
        Assert.Contains("<p class=\"culprit\"><strong>Culprit:</strong> only the bias gradients are wrong (0.bias, 2.bias)", html);
        Assert.Contains("<h2>Per-layer re-sync</h2>", html);
    }

    [Fact]
    public void A_passing_report_has_no_answer_section()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("report", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--out", temp["reports"]);

        Assert.True(exit == 0, output + error);
        Assert.DoesNotContain("The answer", File.ReadAllText(Path.Combine(temp["reports"], "xor-tanh-bce", "report.md")));
        Assert.DoesNotContain("class=\"answer\"", File.ReadAllText(Path.Combine(temp["reports"], "xor-tanh-bce", "report.html")));
    }

    [GeneratedRegex(@"<body><h1>xor-tanh-bce <span class=""fail"">failed</span></h1><section class=""answer""><h2>The answer</h2>")]
    private static partial Regex FirstSectionAfterTitle();
}
