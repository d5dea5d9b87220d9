namespace Parity.Cli.Output;

/// <summary>GitHub Actions' job summary: when GITHUB_STEP_SUMMARY names a file, Markdown appended to it shows on the run's page.</summary>
public static class StepSummary
{
    public static void Append(string markdown)
    {
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } path)
            File.AppendAllText(path, markdown.TrimEnd() + "\n\n");
    }
}
