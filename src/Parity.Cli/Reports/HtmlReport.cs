using Parity.Harness;
using Parity.Cli.Output;
using System.Globalization;
using System.Net;
using System.Text;
using Parity.Spec;

namespace Parity.Cli.Reports;

/// <summary>report.html: one self-contained page (inline CSS and SVG, nothing fetched) that opens offline.</summary>
public static class HtmlReport
{
    public static string Write(ParitySpec spec, ReportDocument document)
    {
        var result = document.Result;
        var check = result.Check;
        var train = result.Train;
        var body = new StringBuilder();
        body.Append($"<h1>{E(result.Spec)} <span class=\"{(result.Passed ? "pass" : "fail")}\">{(result.Passed ? "passed" : "failed")}</span></h1>");
        if (document.Answer is { } answer)
            body.Append($"<section class=\"answer\"><h2>The answer</h2><p class=\"culprit\"><strong>Culprit:</strong> {E(answer.Culprit)}</p><table><tr>")
                .Append(string.Concat(FailureAnswer.EvidenceColumns.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>")
                .Append(string.Concat(answer.Evidence.Select(row => $"<tr>{string.Concat(row.Select(cell => $"<td>{E(cell)}</td>"))}</tr>")))
                .Append($"</table><p><strong>Reproduce:</strong> <code>{E(answer.Reproduce)}</code> {E(answer.Gives)}.</p><p><strong>Try:</strong> {E(answer.Try)}.</p></section>");
        body.Append($"<p>{E(document.Description)}</p><p class=\"meta\">{E(document.Setting)}</p>"
            + $"<p class=\"meta\">engine under test: <strong>{E(result.Engine)}</strong> · reference: {E(result.Reference)}</p>");

        body.Append("<h2>Verdict</h2><ul>");
        foreach (var verdict in document.Verdicts)
            body.Append(Item(verdict.Passed, $"{verdict.Label}: {verdict.Detail}"));
        body.Append("</ul>");
        if (document.Diagnosis.Count > 0)
            body.Append("<h2>Diagnosis</h2><ul>").Append(string.Concat(document.Diagnosis.Select(l => $"<li>{E(l)}</li>"))).Append("</ul>");

        if (document.TeacherForcing is { } forcing)
        {
            body.Append("<h2>Teacher forcing</h2>").Append($"<p class=\"{(forcing.Passed ? "pass" : "fail")}\">{E(forcing.Text)}</p>");
            if (forcing.Parts.Count > 0)
                body.Append("<table><tr><th>step (epoch)</th><th>kind</th><th>tensor</th><th>max abs err</th><th>max rel err</th><th>at</th><th>engine / reference</th></tr>")
                    .Append(string.Concat(forcing.Parts.Select(p => $"<tr><td>{p.Step} ({p.Epoch})</td><td>{p.Kind}</td><td><code>{E(p.Name)}</code></td><td>{Figures.Scientific(p.MaxAbsErr)}</td>"
                        + $"<td>{Figures.Scientific(p.MaxRelErr)}</td><td>{p.WorstIndex}</td><td>{Figures.Loss(p.Engine)} / {Figures.Loss(p.Reference)}</td></tr>"))).Append("</table>");
        }

        body.Append("<h2>Per-layer re-sync</h2>").Append(check.Resync.Available
            ? $"<p>{E(document.Resync)}</p><table><tr>"
                + string.Concat(ReportDocument.ResyncColumns.Select(c => $"<th>{E(c)}</th>")) + "</tr>"
                + string.Concat(document.ResyncRows.Select(row => $"<tr>{string.Concat(row.Select(cell => $"<td>{E(cell)}</td>"))}</tr>")) + "</table>"
            : $"<p>{E(document.Resync)}</p>");

        body.Append("<h2>Training curves</h2><div class=\"charts\">");
        var epochs = train.Epochs;
        body.Append(SvgChart.Lines("Loss per epoch", "epoch", "loss",
        [
            Line("engine train", epochs.Select(e => (e.Epoch, e.Engine?.TrainLoss))),
            Line("reference train", epochs.Select(e => (e.Epoch, e.Twin?.TrainLoss))),
            Line("engine test", epochs.Select(e => (e.Epoch, e.Engine?.TestLoss))),
            Line("reference test", epochs.Select(e => (e.Epoch, e.Twin?.TestLoss))),
        ]));
        if (epochs[^1].Engine?.TestAccuracy is not null)
            body.Append(SvgChart.Lines("Test accuracy per epoch", "epoch", "accuracy",
            [
                Line("engine", epochs.Select(e => (e.Epoch, e.Engine?.TestAccuracy))),
                Line("reference", epochs.Select(e => (e.Epoch, e.Twin?.TestAccuracy))),
            ]));
        if (train.Steps is { Count: > 0 } steps)
            body.Append(SvgChart.Lines("Largest parameter difference after each step", "step", "max |engine − reference|",
                [Line("engine vs reference", Thin(steps).Select(s => (s.Step, (double?)s.ParamDrift)))], logY: true));
        var gradients = check.Parameters.Append(check.InputGradient).ToList();
        var tolerance = Harness.Comparison.Tolerances.Gradient(spec);
        body.Append(SvgChart.Bars("Gradient error per parameter, engine vs reference", "max error",
            gradients.Select(p => p.Name).ToList(),
            [("relative", gradients.Select(p => Math.Max(p.MaxRelErr, 1e-17)).ToList()), ("absolute", gradients.Select(p => Math.Max(p.MaxAbsErr, 1e-17)).ToList())], logY: true,
            limits: [($"rtol {Figures.Scientific(tolerance.Rtol)}", tolerance.Rtol, 0), ($"atol {Figures.Scientific(tolerance.Atol)}", tolerance.Atol, 1)]));
        var phases = document.Phases.ToList();
        body.Append("<!-- timings -->").Append(SvgChart.Bars($"Runtime per phase (batch {result.Bench.Batch}, {new Harness.Benchmarks.SideThreads(result.Bench.Threads, result.Bench.ReferenceThreads)})", "median ms",
            phases.Select(p => p.Phase).ToList(), [("engine", phases.Select(p => p.Engine).ToList()), ("reference", phases.Select(p => p.Twin).ToList())]))
            .Append("<p>").Append(E(document.MadeOn)).Append("</p>")
            .Append("<!-- /timings -->");
        body.Append("</div>");

        body.Append("<h2>Gradient parity</h2><table><tr><th>tensor</th><th>shape</th><th>max abs err</th><th>max rel err</th><th>ULP max / median</th><th>cosine</th><th>norm ratio</th><th>ok</th></tr>");
        foreach (var d in check.Parameters.Append(check.InputGradient))
            body.Append($"<tr><td><code>{E(d.Name)}</code></td><td>[{string.Join(", ", d.Shape)}]</td><td>{Figures.Scientific(d.MaxAbsErr)}</td><td>{Figures.Scientific(d.MaxRelErr)}</td><td>{Figures.Scientific(d.MaxUlp)} / {Figures.Scientific(d.MedianUlp)}</td><td>{d.Cosine.ToString("F9", CultureInfo.InvariantCulture)}</td><td>{d.NormRatio.ToString("F9", CultureInfo.InvariantCulture)}</td><td class=\"{(d.Passed ? "pass" : "fail")}\">{(d.Passed ? "yes" : "no")}</td></tr>");
        body.Append("</table>");

        body.Append("<h2>Epochs</h2><table><tr><th>epoch</th><th>train loss engine / reference</th><th>test loss</th><th>test accuracy</th></tr>");
        foreach (var e in Figures.Sample(epochs, 30))
            body.Append($"<tr><td>{e.Epoch}</td><td>{Figures.Loss(e.Engine?.TrainLoss)} / {Figures.Loss(e.Twin?.TrainLoss)}</td><td>{Figures.Loss(e.Engine?.TestLoss)} / {Figures.Loss(e.Twin?.TestLoss)}</td><td>{Figures.Accuracy(e.Engine?.TestAccuracy)} / {Figures.Accuracy(e.Twin?.TestAccuracy)}</td></tr>");
        body.Append("</table>");
        return Page($"Parity — {spec.Name}", body.ToString());
    }

    public static string Page(string title, string body) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>{Style}</style></head><body>{body}</body></html>\n";

    const string Style = "body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222}"
        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}"
        + ".pass{color:#2a7d2a}.fail{color:#c0392b}.meta{color:#666}.charts{display:flex;flex-wrap:wrap;gap:16px}li{margin:4px 0}";

    static Series Line(string name, IEnumerable<(int X, double? Y)> points) =>
        new(name, points.Where(p => p.Y is not null).Select(p => ((double)p.X, p.Y!.Value)).ToList());

    /// <summary>At most about a thousand points, each the largest of its stretch, so a spike is never lost.</summary>
    static IEnumerable<Output.TrainStepReport> Thin(IReadOnlyList<Output.TrainStepReport> steps)
    {
        var every = Math.Max(1, steps.Count / 1000);
        return steps.Chunk(every).Select(chunk => chunk.MaxBy(s => s.ParamDrift)!);
    }

    static string Item(bool passed, string text) => $"<li><span class=\"{(passed ? "pass" : "fail")}\">{(passed ? "✔" : "✘")}</span> {E(text)}</li>";

    static string E(string text) => WebUtility.HtmlEncode(text);
}
