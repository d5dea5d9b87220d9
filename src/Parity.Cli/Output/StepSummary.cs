using Parity.Spec;

namespace Parity.Cli.Output;

/// <summary>GitHub Actions' job summary: when GITHUB_STEP_SUMMARY names a file, Markdown appended to it shows on the run's page.</summary>
public static class StepSummary
{
    public static void Append(string markdown)
    {
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is not { Length: > 0 } path)
            return;
        try
        {
            File.AppendAllText(path, markdown.TrimEnd() + "\n\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"GITHUB_STEP_SUMMARY {path}: the job summary cannot be appended to ({InputException.OneLine(e.Message)}); point it at a writable file, or unset it");
        }
    }
}
