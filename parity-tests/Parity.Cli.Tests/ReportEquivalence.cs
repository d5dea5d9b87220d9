using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Parity.Harness.Comparison;
using Parity.Harness.Training;
using Parity.Protocol;
using Parity.Spec;

namespace Parity.Cli.Tests;

/// <summary>
/// Whether two report folders of one suite say the same, as far as another CPU cannot change it. Another
/// CPU (AVX-512 or AVX2, another OpenBLAS kernel) sums in another order, so the last bits of a figure
/// move; what must not move is every verdict and its kind, every pass and fail, the diagnosis, the
/// structure of every file, and each figure beyond the tolerance of the verdict it feeds:
/// <list type="bullet">
/// <item>Every word, and every integer (counts, steps, epochs, the grid's pick), exactly.</item>
/// <item>A value (a loss, an accuracy, a parameter) within the lockstep rounding bound of its report,
/// 100·ε·√k relative after its k steps, plus one unit of its last printed digit.</item>
/// <item>An agreement figure (a gradient's max error, ULPs, cosine, a drift) against its bound: equal
/// up to rounding while both sides are within it, else as a value. A relative measure of a tensor that
/// passed (a max relative error, ULPs, cosine, norm ratio) is rounding noise its verdict already judged:
/// a tensor whose gradient is zero by construction has a relative error of noise over noise.</item>
/// <item>A training the report calls too sensitive to compare step for step ("rounding amplified by
/// the dynamics") has no reproducible curve: its training figures are held to its verdict and the
/// spec's expectations, which the verdict includes, and its accuracies within the seed-equivalence
/// margin (0.01). The step and epoch at which its verdict says the drift grew past the rounding bound
/// are where that path parts, which the last bits move: gpt-sort's crossed at step 33 (epoch 2) with
/// the engine's 512-bit product kernel, at step 30 (epoch 1) with OpenBLAS's Sandybridge kernel.</item>
/// </list>
/// In report.md and report.html, a figure printed in scientific notation is an agreement figure, judged
/// in result.json where its key names its bound; a chart is compared by its titles and legend, its
/// pixels drawing figures already compared.
/// </summary>
public static partial class ReportEquivalence
{
    /// <summary>
    /// The differences between a committed report folder and a fresh one, each naming the file, the place
    /// and both figures; none when they agree. The reports' specs are the built-in ones, or those of
    /// <paramref name="specs"/>, each named after its spec.
    /// </summary>
    public static IReadOnlyList<string> Differences(string committed, string fresh, string? specs = null)
    {
        var differences = new List<string>();
        var kept = Files(committed);
        var made = Files(fresh);
        differences.AddRange(kept.Except(made).Select(f => $"{f}: committed, not made by the fresh run"));
        differences.AddRange(made.Except(kept).Select(f => $"{f}: made by the fresh run, not committed"));
        var reports = kept.Intersect(made).Where(f => Path.GetFileName(f) == "result.json")
            .Select(f => (Folder: Path.GetDirectoryName(f)!, Bounds: Bounds.Of(JsonNode.Parse(File.ReadAllText(Path.Combine(committed, f)))!, specs)))
            .Where(r => r.Bounds is not null)
            .ToDictionary(r => r.Folder, r => r.Bounds!);
        // An index holds every report's row: each row is judged by its report's bounds, any other text by the loosest.
        var loosest = reports.Values.Aggregate(Bounds.Exact, Bounds.Looser);
        foreach (var file in kept.Intersect(made))
        {
            var folder = Path.GetDirectoryName(file)!;
            var own = reports.Where(r => folder == r.Key || folder.StartsWith(r.Key + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Select(r => r.Value).FirstOrDefault();
            var compare = new Comparison(file, differences, own ?? loosest, own is null ? reports : null);
            var (a, b) = (Path.Combine(committed, file), Path.Combine(fresh, file));
            switch (Path.GetExtension(file))
            {
                case ".safetensors":
                    compare.Tensors(File.ReadAllBytes(a), File.ReadAllBytes(b));
                    break;
                case ".json":
                    compare.Json(JsonNode.Parse(File.ReadAllText(a)), JsonNode.Parse(File.ReadAllText(b)), "");
                    break;
                default:
                    compare.Text(WithoutTimings(File.ReadAllText(a)), WithoutTimings(File.ReadAllText(b)));
                    break;
            }
        }
        return differences;
    }

    /// <summary>
    /// A report file without its timings and the machine that made it, for a comparison of two runs on one
    /// machine, which must agree bit for bit: they stand between timing markers (Markdown and HTML) or last
    /// in a result.json (a report's "bench" and "machine", a report folder's "wall_seconds").
    /// </summary>
    public static string WithoutTimings(string text) => TimingSection().Replace(BenchObject().Replace(text, ""), "");

    static SortedSet<string> Files(string root) => new(
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)), StringComparer.Ordinal);

    /// <summary>The tolerances of one report's verdicts, from its spec's dtype and tolerances and its number of lockstep steps.</summary>
    sealed record Bounds(double Drift, double Gradient, bool Chaotic, int LastEpoch = -1)
    {
        /// <summary>The seed-equivalence margin of `parity train --seeds` (absolute, for accuracies).</summary>
        const double SeedMargin = 0.01;

        public static readonly Bounds Exact = new(0, 0, false);

        public static Bounds Looser(Bounds a, Bounds b) => new(Math.Max(a.Drift, b.Drift), Math.Max(a.Gradient, b.Gradient), a.Chaotic || b.Chaotic, Math.Max(a.LastEpoch, b.LastEpoch));

        /// <summary>A report's bounds, read off its result.json and its spec; null for an index's result.json.</summary>
        public static Bounds? Of(JsonNode result, string? specs = null)
        {
            if (result["check"]?["dtype"]?.GetValue<string>() is not { } dtypeName || result["spec"]?.GetValue<string>() is not { } name)
                return null;
            var spec = SpecLoader.Load(specs is null ? Cli.BuiltInSpec(name + ".yaml") : Path.Combine(specs, name + ".yaml"));
            var dtype = dtypeName == "float32" ? DType.Float32 : DType.Float64;
            var steps = Math.Max(1, result["train"]?["steps"]?.AsArray().Count ?? 1);
            var drift = RoundingBound.At(dtype, steps);
            var gradient = Tolerances.Gradient(spec);
            var chaotic = result["train"]?["verdict"]?.GetValue<string>().StartsWith("rounding amplified by the dynamics", StringComparison.Ordinal) == true;
            return new(drift, gradient.Atol + gradient.Rtol, chaotic, (result["train"]?["epochs"]?.AsArray().Count ?? 0) - 1);
        }

        /// <summary>
        /// Two values equal up to this report's rounding: relatively within twice the drift bound (each run is
        /// within it of the reference, so two runs are within twice it of each other), or printed alike to their
        /// last digit. In a training too sensitive to compare step for step, only accuracies are held, to the
        /// seed-equivalence margin: its losses are another draw of the same dynamics.
        /// </summary>
        public bool SameValue(double a, double b, double printedUnit, bool accuracy) => Chaotic
            ? !accuracy || Math.Abs(a - b) <= SeedMargin + printedUnit
            : Math.Abs(a - b) <= 2 * Drift * Math.Max(Math.Abs(a), Math.Abs(b)) + printedUnit;

        /// <summary>The bound an agreement figure of this key is judged against; null where only its tensor's verdict judges it.</summary>
        public double? Agreement(string key) => key switch
        {
            "max_param_drift" or "param_drift" or "relative_drift" or "max_loss_diff" or "loss_diff" => Drift,
            "max_abs_err" or "own_error" or "inherited_error" => Gradient,
            _ => null,
        };
    }

    /// <summary>The keys of result.json whose figures measure how far two computations part: rounding noise when they agree.</summary>
    static readonly HashSet<string> AgreementKeys =
        ["max_abs_err", "max_rel_err", "max_ulp", "median_ulp", "cosine", "norm_ratio", "own_error", "inherited_error",
         "max_param_drift", "param_drift", "relative_drift", "max_loss_diff", "loss_diff", "max_gradient_rel_err", "nondeterminism"];

    /// <summary>Set apart in every comparison: timings, and the machine that made the figures.</summary>
    static readonly HashSet<string> MachineKeys = ["bench", "wall_seconds", "machine"];

    sealed class Comparison(string file, List<string> differences, Bounds bounds, IReadOnlyDictionary<string, Bounds>? rows)
    {
        void Differ(string where, string committed, string fresh, string why) =>
            differences.Add($"{file}{(where.Length > 0 ? " at " + where : "")}: committed {committed}, fresh {fresh} ({why})");

        public void Json(JsonNode? a, JsonNode? b, string path, bool passed = false)
        {
            switch (a, b)
            {
                case (null, null):
                    return;
                case (JsonObject x, JsonObject y):
                    var keys = x.Select(p => p.Key).Where(k => !MachineKeys.Contains(k)).ToList();
                    if (!keys.SequenceEqual(y.Select(p => p.Key).Where(k => !MachineKeys.Contains(k))))
                    {
                        Differ(path, string.Join(",", keys), string.Join(",", y.Select(p => p.Key)), "another structure");
                        return;
                    }
                    // A tensor's relative measures are judged by its own verdict while it passes on both sides.
                    var bothPassed = x["passed"] is JsonValue p && y["passed"] is JsonValue q && p.GetValue<bool>() && q.GetValue<bool>();
                    foreach (var key in keys)
                        if (!(bounds.Chaotic && key == "steps" && path == "train"))
                            Json(x[key], y[key], path.Length == 0 ? key : $"{path}.{key}", bothPassed);
                    return;
                case (JsonArray x, JsonArray y):
                    if (x.Count != y.Count)
                        Differ(path, $"{x.Count} items", $"{y.Count} items", "another structure");
                    else
                        for (var i = 0; i < x.Count; i++)
                            Json(x[i], y[i], $"{path}[{i}]", passed);
                    return;
                case (JsonValue x, JsonValue y) when x.GetValueKind() == System.Text.Json.JsonValueKind.Number && y.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                    Number(path, x.GetValue<double>(), y.GetValue<double>(), passed);
                    return;
                case (JsonValue x, JsonValue y) when x.GetValueKind() == System.Text.Json.JsonValueKind.String && y.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    Text(x.GetValue<string>(), y.GetValue<string>(), path);
                    return;
                default:
                    if (a?.ToJsonString() != b?.ToJsonString())
                        Differ(path, a?.ToJsonString() ?? "null", b?.ToJsonString() ?? "null", "another value");
                    return;
            }
        }

        void Number(string path, double a, double b, bool passed)
        {
            if (a == b)
                return;
            var key = KeyOf(path);
            // An agreement figure within its bound, or of a tensor whose verdict passed (the report's overall max
            // relative error among them), is rounding noise its verdict already judged.
            if (AgreementKeys.Contains(key) && (bounds.Agreement(key) is { } bound ? Math.Max(Math.Abs(a), Math.Abs(b)) <= bound : passed))
                return;
            var training = path.StartsWith("train.", StringComparison.Ordinal) || path.StartsWith("last.", StringComparison.Ordinal);
            // A training too sensitive to compare step for step reaches its end by another path on another kernel (gpt-sort
            // learns to sort an epoch earlier or later): of its epochs only the last is held, with its verdict and expectations.
            if (bounds.Chaotic && EpochIndex().Match(path) is { Success: true } epoch && int.Parse(epoch.Groups[1].Value, CultureInfo.InvariantCulture) < bounds.LastEpoch)
                return;
            // A training's sensitivity is its own: the first batch's figures repeat up to rounding whatever it is.
            var held = training ? bounds : bounds with { Chaotic = false };
            if (!held.SameValue(a, b, 0, key.EndsWith("accuracy", StringComparison.Ordinal)))
                Differ(path, Format(a), Format(b), AgreementKeys.Contains(key) ? "an agreement figure beyond its bound" : "beyond the report's rounding bound");
        }

        static string KeyOf(string path) => Regex.Replace(path, @"\[\d+\]$", "") is var p && p.LastIndexOf('.') is var dot and >= 0 ? p[(dot + 1)..] : p;

        static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>
        /// Text outside JSON: its words exactly, its numbers as printed figures. An index's rows, one per
        /// report, take their report's bounds; a table's column headed by an agreement word ("max abs err",
        /// "cosine", "finite differences") holds agreement figures.
        /// </summary>
        public void Text(string a, string b, string where = "")
        {
            var (x, y) = (Rows(Charts(a)), Rows(Charts(b)));
            if (x.Count != y.Count)
            {
                Differ(where, $"{x.Count} lines", $"{y.Count} lines", "another structure");
                return;
            }
            string[] header = [];
            for (var i = 0; i < x.Count; i++)
            {
                var row = x[i];
                if (row.Contains("<th", StringComparison.Ordinal) || row.StartsWith('|') && i + 1 < x.Count && x[i + 1].StartsWith("|--", StringComparison.Ordinal))
                    header = Cells(row).ToArray();
                else if (!row.StartsWith('|') && !row.StartsWith("<tr", StringComparison.Ordinal))
                    header = [];
                var rowBounds = rows?.Where(r => row.Contains(r.Key.Replace(Path.DirectorySeparatorChar, '/') + "/", StringComparison.Ordinal))
                    .Select(r => r.Value).FirstOrDefault() ?? bounds;
                Line(row, y[i], rowBounds, header, where.Length > 0 ? where : $"line {i + 1}");
            }
        }

        void Line(string a, string b, Bounds rowBounds, string[] header, string where)
        {
            var (x, y) = (Figure().Matches(a), Figure().Matches(b));
            if (Figure().Replace(a, "#") != Figure().Replace(b, "#"))
            {
                Differ(where, Excerpt(a, b), Excerpt(b, a), "other words");
                return;
            }
            for (var i = 0; i < x.Count; i++)
            {
                var (p, q) = (x[i].Value, y[i].Value);
                if (p == q)
                    continue;
                var column = Cells(a[..x[i].Index]).Count() - 1;
                var context = a[Math.Max(0, x[i].Index - 40)..x[i].Index];
                var heading = column >= 0 && column < header.Length ? header[column] : "";
                var agreement = p.Contains('E') || p.Contains('e') || q.Contains('E') || q.Contains('e')
                    || AgreementWords().IsMatch(context) || AgreementWords().IsMatch(heading);
                if (agreement)
                    continue;
                var integer = !p.Contains('.') && !q.Contains('.');
                var (u, v) = (double.Parse(p, CultureInfo.InvariantCulture), double.Parse(q, CultureInfo.InvariantCulture));
                var accuracy = context.Contains("accuracy", StringComparison.Ordinal) || heading.Contains("accuracy", StringComparison.Ordinal);
                // A chaotic training's per-epoch table is its path, held where result.json holds it (the last epoch alone).
                if (rowBounds.Chaotic && header.Length > 0 && (header[0].Trim() == "epoch" || header[0].StartsWith("epoch<", StringComparison.Ordinal)))
                    continue;
                if (rowBounds.Chaotic && integer && Crossing().IsMatch(context))
                    continue;
                if (integer || !rowBounds.SameValue(u, v, PrintedUnit(p) + PrintedUnit(q), accuracy))
                    Differ(where, p, q, integer ? "another count" : "beyond the report's rounding bound");
            }
        }

        /// <summary>The cells of a Markdown or HTML table row, so far as the row goes.</summary>
        static IEnumerable<string> Cells(string row) => row.StartsWith('|')
            ? row.Split('|').Skip(1)
            : CellStart().Split(row).Skip(1);

        /// <summary>One unit of the last digit a fixed-point figure is printed with.</summary>
        static double PrintedUnit(string figure) => figure.IndexOf('.') is var dot and >= 0 ? Math.Pow(10, -(figure.Length - dot - 1)) : 1;

        static string Excerpt(string line, string other)
        {
            var at = 0;
            while (at < line.Length && at < other.Length && line[at] == other[at])
                at++;
            var start = Math.Max(0, at - 60);
            return "…" + line[start..Math.Min(line.Length, at + 60)] + "…";
        }

        /// <summary>Lines, and HTML table rows: an index's row per report.</summary>
        static List<string> Rows(string text) => RowBreak().Split(text).ToList();

        /// <summary>
        /// Each chart — SVG or Mermaid — reduced to its titles, axes and legend: its ticks, its pixels, and
        /// which curves happen to share pixels (a legend's "twin = engine") follow the figures it draws,
        /// which are compared in its tables and result.json.
        /// </summary>
        static string Charts(string text) => MermaidData().Replace(Svg().Replace(text, svg =>
            "<svg>" + string.Join("|", Label().Matches(svg.Value)
                .Where(m => !m.Value.Contains("class=\"tick\"") && !m.Value.Contains("class=\"coincide\""))
                .Select(m => m.Groups[1].Value.Split(" = ")[0])) + "</svg>"), "");

        public void Tensors(byte[] a, byte[] b)
        {
            var (x, y) = (SafetensorsCodec.Decode(a), SafetensorsCodec.Decode(b));
            if (!x.Select(t => (t.Name, t.DType, string.Join(",", t.Shape))).SequenceEqual(y.Select(t => (t.Name, t.DType, string.Join(",", t.Shape)))))
            {
                Differ("", "tensors " + string.Join(",", x.Select(t => t.Name)), "tensors " + string.Join(",", y.Select(t => t.Name)), "other tensors");
                return;
            }
            foreach (var (t, u) in x.Zip(y))
            {
                if (t.Integers is not null && !t.Integers.SequenceEqual(u.Integers!))
                    Differ(t.Name, "integers", "other integers", "another value");
                if (t.Floats is not null)
                    for (var i = 0; i < t.Floats.Length; i++)
                        if (t.Floats[i] != u.Floats![i] && !(bounds with { Chaotic = false }).SameValue(t.Floats[i], u.Floats[i], 0, false))
                        {
                            Differ($"{t.Name}[{i}]", Format(t.Floats[i]), Format(u.Floats[i]), "beyond the report's rounding bound");
                            break;
                        }
            }
        }
    }

    [GeneratedRegex(@"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")]
    private static partial Regex Figure();

    /// <summary>Words that introduce an agreement figure in a sentence, as a verdict's "max drift 0.299939".</summary>
    [GeneratedRegex(@"(drift|difference|error|err|bound|ULP|cosine|norm ratio)[^0-9.]{0,20}$")]
    private static partial Regex AgreementWords();

    /// <summary>What precedes the step and the epoch of a chaotic verdict's crossing: "from step 33 (epoch 2) the drift grows past the rounding bound".</summary>
    [GeneratedRegex(@"from step $|from step \d+ \(epoch $")]
    private static partial Regex Crossing();

    [GeneratedRegex(@"<!-- timings -->.*?<!-- /timings -->", RegexOptions.Singleline)]
    private static partial Regex TimingSection();

    [GeneratedRegex(@"""(bench|wall_seconds)"": .*", RegexOptions.Singleline)]
    private static partial Regex BenchObject();

    [GeneratedRegex(@"\n|(?=<tr)")]
    private static partial Regex RowBreak();

    [GeneratedRegex(@"<t[dh][^>]*>")]
    private static partial Regex CellStart();

    /// <summary>A Mermaid chart's data lines: its axis of epochs or steps and its series.</summary>
    [GeneratedRegex(@"^    (x-axis \[|line \[).*$", RegexOptions.Multiline)]
    private static partial Regex MermaidData();

    [GeneratedRegex(@"<svg.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Svg();

    [GeneratedRegex(@"<text[^>]*>([^<]*)</text>")]
    private static partial Regex Label();

    [GeneratedRegex(@"^train\.epochs\[(\d+)\]")]
    private static partial Regex EpochIndex();
}
