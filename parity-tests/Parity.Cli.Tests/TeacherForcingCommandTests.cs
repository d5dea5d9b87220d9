using System.Text.Json;

namespace Parity.Cli.Tests;

/// <summary><c>parity train --teacher-forcing</c>: its JSON section, and its refusal of one side alone (an engine that cannot be forced: Parity.Protocol.Tests).</summary>
[Collection(TwinInThisProcessCollection.Name)]
public class TeacherForcingCommandTests
{
    const string Spec = """
        name: forced-momentum
        seed: 7
        data: {source: disk, train: 120, test: 40}
        model: [linear: 6, tanh, linear: 1]
        loss: mse
        optimizer: {sgd: {lr: 0.1, momentum: 0.9, weight_decay: 0.01}}
        schedule: {step: {size: 1, gamma: 0.5}}
        train: {epochs: 3, batch: 40}
        """;

    [Fact]
    public void The_builtin_engine_is_forced_at_every_step_and_the_json_says_no_step_differs()
    {
        using var temp = new TempFolder();
        var (exit, output, error) = Cli.Run("train", temp.File("forced.yaml", Spec), "--teacher-forcing", "--json", temp["out.json"]);

        Assert.True(exit == 0, error + output);
        Assert.Contains("teacher forcing: every step's own update agrees with the reference's (9 steps, parameters and optimizer state)", output);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["out.json"]));
        var forcing = json.RootElement.GetProperty("specs")[0].GetProperty("teacher_forcing");
        Assert.True(forcing.GetProperty("passed").GetBoolean());
        Assert.Equal(9, forcing.GetProperty("steps_forced").GetInt32());
        Assert.Equal(JsonValueKind.Null, forcing.GetProperty("first_step").ValueKind);
        Assert.Equal(0, forcing.GetProperty("parts").GetArrayLength());
    }

    [Fact]
    public void Teacher_forcing_with_one_side_is_refused()
    {
        using var temp = new TempFolder();
        var (exit, _, error) = Cli.Run("train", temp.File("forced.yaml", Spec), "--teacher-forcing", "--side", "engine");

        Assert.Equal(2, exit);
        Assert.Contains("--teacher-forcing sets the engine under test to the reference at every step of one lockstep run; leave out --side and --seeds", error);
    }
}

/// <summary><c>parity report</c> on an engine whose optimizer is wrong: the failing spec's pages open the teacher-forced run.</summary>
[Collection(TwinInThisProcessCollection.Name)]
public class TeacherForcingReportTests
{
    [Fact]
    public void A_failing_spec_gets_a_teacher_forcing_section_in_every_page()
    {
        var spec = Spec.SpecLoader.Parse("""
            name: forced-report
            seed: 3
            data: {source: disk, train: 80, test: 20}
            model: [linear: 4, tanh, linear: 1]
            loss: mse
            optimizer: {sgd: {lr: 0.1, momentum: 0.9}}
            train: {epochs: 2, batch: 40}
            """, "forced-report.yaml");
        // Momentum without its μ·b term: the buffer parts at step 2, the first step it is carried over.
        var parts = Engine.EngineParts<double>.Standard with
        {
            Optimizers = Engine.EngineParts<double>.Standard.Optimizers.With("sgd", (parameters, sgd) =>
                new Engine.Optimizers.Sgd<double>(parameters, Engine.Optimizers.SgdOptions.From(sgd) with { Dampening = 1 })),
        };
        var engine = new EngineUnderTest("dampened", (model, initial) => new Engine.EngineBackend<double>(model, initial, parts));

        var evaluation = Harness.Pipeline.SpecEvaluation.Run(spec, Spec.Data.DatasetLoader.Load(spec), Backends.Pair(engine, spec),
            new Harness.Pipeline.EvaluationOptions(Shrink: null, new Harness.Benchmarks.BenchmarkOptions(Repetitions: 1)), new Output.ConsoleProgress(Output.Terminal.On(TextWriter.Null)));

        Assert.False(evaluation.Passed);
        Assert.Equal(2, evaluation.Training.TeacherForcing?.First?.Step);
        var result = Reports.SpecResults.From(evaluation, engine);
        var forcing = Assert.IsType<Output.TeacherForcingReport>(result.Train.TeacherForcing);
        Assert.False(result.Passed);
        Assert.Equal(2, forcing.FirstStep);
        Assert.Contains(forcing.Parts, p => p.Step == 2 && p.Kind == "optimizer state" && p.Name == "0.weight.momentum_buffer");
        var document = Reports.ReportDocument.Of(spec, result, engine.Option);
        var markdown = Reports.MarkdownReport.Write(document);
        Assert.Contains("## Teacher forcing", markdown);
        Assert.Contains("| 2 (1) | optimizer state | `0.weight.momentum_buffer` |", markdown);
        Assert.Contains("<h2>Teacher forcing</h2>", Reports.HtmlReport.Write(spec, document));
        Assert.Contains("\"teacher_forcing\": {", Output.Json.Serialize(result));
    }
}
