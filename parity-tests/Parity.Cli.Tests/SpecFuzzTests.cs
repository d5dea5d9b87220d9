using System.Diagnostics;
using System.Text;
using Parity.Spec;
using Xunit.Abstractions;

namespace Parity.Cli.Tests;

/// <summary>
/// Ten thousand damaged copies of the built-in specs (<see cref="SpecMutations"/>) go through the loader
/// and through <c>parity check</c>: each is valid, or refused with exit 2 and one line naming the file
/// and the place — never another exception, a stack trace or a hang.
/// </summary>
[Collection(TwinInThisProcessCollection.Name)]
public class SpecFuzzTests(ITestOutputHelper output)
{
    const int Mutants = 10_000;

    /// <summary>A hang fails the test instead of blocking CI; generous, the machine may be busy.</summary>
    static readonly TimeSpan PerMutant = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A valid mutant can be expensive to check (a layer of a million units, ten million samples, a
    /// full finite-difference check over thousands of coordinates), so only cheap ones run the whole
    /// <c>parity check</c>; the rest are loaded alone. Invalid ones always run it: it stops at the load.
    /// </summary>
    const long CheapWork = 20_000_000, CheapRows = 20_000;

    enum Outcome { Refused, Checked, LoadedOnly }

    [Fact]
    public async Task Every_mutated_spec_is_valid_or_refused_with_one_clear_message()
    {
        var originals = Directory.GetFiles(Path.GetDirectoryName(Cli.BuiltInSpec("x"))!, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        using var temp = new TempFolder();
        var path = temp["spec.yaml"];
        var outcomes = new Dictionary<Outcome, int>();
        var kinds = new Dictionary<string, int>();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var seed = 0; seed < Mutants && failures.Count < 5; seed++)
        {
            var (bytes, applied) = SpecMutations.Mutate(originals[seed % originals.Length], new Random(seed));
            File.WriteAllBytes(path, bytes);
            var lines = LineCount(bytes);
            var probe = Task.Run(() => Probe(path, lines));
            string? problem;
            try
            {
                problem = Tally(await probe.WaitAsync(PerMutant), outcomes);
            }
            catch (TimeoutException)
            {
                problem = $"no answer within {PerMutant.TotalSeconds} s";
            }
            catch (Exception e)
            {
                problem = $"crashed: {e}";
            }
            foreach (var kind in applied)
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            if (problem is not null)
                failures.Add($"mutant {seed} ({string.Join(", ", applied)}): {problem}\n--- spec ---\n{Encoding.UTF8.GetString(bytes)}\n---");
            if (!probe.IsCompleted)
                break;
        }

        output.WriteLine($"{Mutants} mutants in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", outcomes.Select(o => $"{o.Value} {o.Key}"))}");
        output.WriteLine($"mutations applied: {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value}"))}");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        // The mutations reach both sides: many refusals, and valid mutants checked in full.
        Assert.All(SpecMutations.Kinds, kind => Assert.True(kinds.GetValueOrDefault(kind) > 100, $"{kind} applied {kinds.GetValueOrDefault(kind)} times"));
        Assert.True(outcomes.GetValueOrDefault(Outcome.Refused) > Mutants / 2, $"{outcomes.GetValueOrDefault(Outcome.Refused)} refused");
        Assert.True(outcomes.GetValueOrDefault(Outcome.Checked) > 100, $"{outcomes.GetValueOrDefault(Outcome.Checked)} checked");
    }

    static string? Tally((Outcome Outcome, string? Problem) result, Dictionary<Outcome, int> outcomes)
    {
        outcomes[result.Outcome] = outcomes.GetValueOrDefault(result.Outcome) + 1;
        return result.Problem;
    }

    /// <summary>Loads the spec, then runs <c>parity check</c> on it; returns what went wrong, if anything.</summary>
    static (Outcome, string?) Probe(string path, int lines)
    {
        ParitySpec spec;
        try
        {
            spec = SpecLoader.Load(path);
        }
        catch (InputException refused)
        {
            var (exit, stdout, stderr) = Cli.Run("check", path);
            return (Outcome.Refused,
                !refused.Message.StartsWith(path, StringComparison.Ordinal) ? $"the loader's message does not start with the file: {refused.Message}"
                : refused is SpecException { Mark: var mark } && (mark.Line > lines || !refused.Message.StartsWith($"{mark}: ", StringComparison.Ordinal))
                    ? $"the loader's message points outside the file's {lines} lines: {refused.Message}"
                : refused.Message.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029') ? $"the loader's message holds control characters (a line break, a terminal escape): {refused.Message}"
                : exit != ParityCommandLine.BadInput ? $"parity check exits {exit} on a spec the loader refuses"
                : stderr.Contains("   at ") ? $"a stack trace:\n{stderr}"
                : stderr != $"parity: {refused.Message}{Environment.NewLine}" ? $"stderr is not the loader's one line:\n{stderr}"
                : stdout.Length > 0 ? $"parity check printed before refusing:\n{stdout}"
                : null);
        }
        if (!IsCheap(spec))
            return (Outcome.LoadedOnly, null);

        var (code, printed, error) = Cli.Run("check", path);
        return (Outcome.Checked,
            printed.Contains("   at ") || error.Contains("   at ") ? $"a stack trace:\n{error}{printed}"
            : code is ParityCommandLine.Passed or ParityCommandLine.Failed ? null
            : code == ParityCommandLine.BadInput && error.StartsWith($"parity: {path}", StringComparison.Ordinal) && error.Count(c => c == '\n') == 1 ? null
            : $"parity check on a valid spec exits {code}:\n{error}");
    }

    /// <summary>The lines an editor shows: YAML breaks lines at \n, \r\n, \r, NEL, LS and PS, and so do most editors.</summary>
    static int LineCount(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes).Replace("\r\n", "\n");
        return 1 + text.Count(c => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029');
    }

    /// <summary>
    /// The work of <c>parity check</c>, roughly: the data generated, and the finite-difference check — up to
    /// 4,096 coordinates (parameters and inputs), two forward passes of a batch through every parameter
    /// each. Fashion-MNIST is always read whole.
    /// </summary>
    static bool IsCheap(ParitySpec spec)
    {
        var parameters = spec.LinearLayers.Sum(l => (long)l.In * l.Out + (l.Bias ? l.Out : 0));
        var batch = Math.Min(spec.Train.Batch, spec.Data.Train);
        var coordinates = Math.Min(parameters + (long)batch * spec.Shape.Features, 4096);
        var rows = spec.Data.Source == DataSource.FashionMnist ? 70_000 : (long)spec.Data.Train + spec.Data.Test;
        return rows <= CheapRows && coordinates * batch * parameters <= CheapWork;
    }
}
