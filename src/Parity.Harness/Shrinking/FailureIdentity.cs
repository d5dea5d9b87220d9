using System.Text.RegularExpressions;
using Parity.Harness.Checks;
using Parity.Harness.Diagnosis;

namespace Parity.Harness.Shrinking;

/// <summary>
/// What makes two failing checks "the same failure" for <see cref="Shrinker"/>: which checks fail, and the
/// diagnosis's sentences with their figures left out. A sentence names the failing check, the culprit (the
/// layer's kind, the parameter's role, the optimizer state) and the mistake; the numbers in it — errors,
/// ratios, layer indices, batch sizes, steps — change as the spec shrinks and are not its identity.
/// </summary>
public static partial class FailureIdentity
{
    public static string Of(CheckResult result)
    {
        var checks = new[]
        {
            ("gradients", result.Gradients.Passed), ("updates", result.Updates.Passed), ("engine gradcheck", result.EngineGradcheck.Passed),
        }.Where(c => !c.Item2).Select(c => c.Item1);
        // Re-sync's sentence lists every blamed and inheriting layer by index, and removing layers changes
        // that list; the failure is which kinds of layer have an own error.
        var blamed = result.Resync.Blamed.Select(layer => Wording.Kind(result.Spec, layer)).Distinct().Order();
        return $"fails: {string.Join(", ", checks)}\nre-sync blames: {string.Join(", ", blamed)}\n"
            + string.Join("\n", result.Diagnosis.Where(line => IsAboutTheEngine(line) && !line.StartsWith(GradientDiagnosis.ResyncSentence, StringComparison.Ordinal)).Select(Normalize));
    }

    /// <summary>
    /// The TorchSharp control failing gradcheck says the loss is rough at this point, not what the engine does
    /// wrong; it comes and goes as the data shrinks.
    /// </summary>
    static bool IsAboutTheEngine(string line) => !line.StartsWith("the TorchSharp control", StringComparison.Ordinal);

    /// <summary>Numbers become '#'; then a list of names that differ only in their numbers ("#.bias, #.bias") becomes one.</summary>
    static string Normalize(string line) => RepeatedItem().Replace(Number().Replace(line, "#"), "$1");

    [GeneratedRegex(@"[−-]?(\d+(\.\d+)?([eE][+−-]?\d+)?|∞)(st|nd|rd|th)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"([^\s,()]+)(, \1)+")]
    private static partial Regex RepeatedItem();
}
