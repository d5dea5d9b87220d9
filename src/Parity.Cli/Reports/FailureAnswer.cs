using Parity.Harness;
using Parity.Cli.Output;
using Parity.Harness.Shrinking;
using System.Globalization;

namespace Parity.Cli.Reports;

/// <summary>
/// What a failing report opens with, before any figure: the culprit in one sentence (the diagnosis's
/// first line), the evidence in one table (the tensors and layers that part, the finite-difference
/// misses, the first divergent training step), how to reproduce it with the frozen tensors, and what
/// to try. Markdown and HTML render the same answer.
/// </summary>
/// <param name="Reproduce">A command that shows the failure again.</param>
/// <param name="Gives">What that command, or the reproduction it runs, gives: said after it.</param>
public sealed record FailureAnswer(string Culprit, IReadOnlyList<string[]> Evidence, string Reproduce, string Gives, string Try)
{
    const string DumpGives = "writes this batch, the initial parameters and both engines' outputs and gradients as safetensors, which parity-tests/pytorch/recompute_from_dump.py DIR recomputes with PyTorch";

    public static readonly string[] EvidenceColumns = ["where", "check", "engine against TorchSharp (or its own loss)", "error"];

    const int EvidenceRows = 8;

    /// <summary>The answer for a failed spec, its advice for the engine that <paramref name="engineOption"/> (the <c>--engine</c> value; null for one built in code) chose; null when it passed.</summary>
    public static FailureAnswer? For(SpecResult result, string specFile, string? engineOption)
    {
        if (result.Passed)
            return null;
        var check = result.Check;
        var train = result.Train;
        var culprit = check.Diagnosis.Concat(train.Failures).FirstOrDefault() ?? train.Verdict;
        var engine = EngineArguments(engineOption);
        var (reproduce, gives) = result.Reproduction is { } minimal
            ? ($"parity check {minimal.Folder}/{Reproduction.SpecFile}{engine}",
                $"fails the same way on the smallest spec found ({minimal.Before.Parameters} → {minimal.After.Parameters} parameters, {minimal.Before.Steps} → {minimal.After.Steps} training steps), "
                + $"kept in {minimal.Folder}/ with its frozen parameters, batch and TorchSharp's results (safetensors) "
                + (engineOption is { } exec && ExecEngine.Names(exec)
                    ? "and a standalone xunit test on the contract alone, which loads a .NET engine assembly rather than a process"
                    : $"and a standalone xunit test on the contract alone: {ReproductionTest.EngineVariable}={Assembly(engineOption)} dotnet test {minimal.Folder}"))
            : ($"parity check {specFile}{engine} --dump DIR", DumpGives);
        return new FailureAnswer(culprit, [.. EvidenceOf(result).Take(EvidenceRows)], reproduce, gives, WhatToTry(result));
    }

    /// <summary>
    /// The engine in use as the parity command takes it: nothing for the built-in one (the default), an exec: command
    /// quoted for the shell, an assembly by its file name (the path it was loaded from may be a scratch folder).
    /// </summary>
    static string EngineArguments(string? option) => option switch
    {
        Backends.Builtin => "",
        _ when option is not null && ExecEngine.Names(option) => $" --engine '{option.Replace("'", "'\\''")}'",
        _ => $" --engine {Assembly(option)}",
    };

    static string Assembly(string? option) => option is null || option == Backends.Builtin ? "YOUR_ENGINE.dll" : $"PATH/TO/{Path.GetFileName(option)}";

    static IEnumerable<string[]> EvidenceOf(SpecResult result)
    {
        var check = result.Check;
        foreach (var layer in check.Layers.Where(l => !l.Output.Passed).Take(1))
            yield return Row($"layer {layer.Layer}", "output (forward)", layer.Output);
        foreach (var d in check.Parameters.Append(check.InputGradient).Where(d => !d.Passed))
            yield return Row(d.Name, "gradient", d);
        foreach (var miss in check.Gradcheck.Engine.Failures)
            yield return [miss.Where, "finite differences", $"analytical {Figures.Scientific(miss.Analytical)}, numerical {Figures.Scientific(miss.Numerical)}",
                $"rel err {Figures.Scientific(Math.Abs(miss.Analytical - miss.Numerical) / Math.Max(Math.Abs(miss.Numerical), double.Epsilon))}"];
        if (result.Train.FirstDivergence is { } first)
            yield return [first.Parameter, $"lockstep training, step {first.Step} (epoch {first.Epoch})", $"relative parameter drift, bound {Figures.Scientific(first.Bound)}", $"drift {Figures.Scientific(first.RelativeDrift)}"];
    }

    static string[] Row(string where, string what, DifferenceReport d) =>
        [where, what, $"norm ratio {d.NormRatio.ToString("F6", CultureInfo.InvariantCulture)}, cosine {d.Cosine.ToString("F6", CultureInfo.InvariantCulture)}", $"max rel err {Figures.Scientific(d.MaxRelErr)}"];

    /// <summary>The next step, from the first check that fails: forward, backward, optimizer, own loss, or only over time.</summary>
    static string WhatToTry(SpecResult result)
    {
        var check = result.Check;
        if (check.Layers.FirstOrDefault(l => !l.Output.Passed) is { } forward)
            return $"compare layer {forward.Layer}'s forward with PyTorch's formula: every layer after it inherits its error, so fix it first";
        if (!check.Parameters.All(p => p.Passed) || !check.InputGradient.Passed)
            return "fix the backward the culprit names, then run parity check again: the gradients must agree before the optimizer and training can be judged";
        if (!check.Updates.Passed)
            return "the gradients agree, so the optimizer or its schedule is wrong: the teacher-forced run (parity train SPEC --teacher-forcing) names the first step and the optimizer state whose own update differs";
        if (!check.Gradcheck.Engine.Passed)
            return "the engine's gradient disagrees with its own loss: the backward does not differentiate the forward it has (look for a term dropped or a value cached from the wrong step)";
        return "each step agrees with TorchSharp but training parts over time: the teacher-forced run (parity train SPEC --teacher-forcing) pins an effect that acts late, such as the schedule, to the step where it first acts";
    }
}
