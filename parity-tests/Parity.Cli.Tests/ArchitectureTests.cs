using System.Text.RegularExpressions;

namespace Parity.Cli.Tests;

/// <summary>The layering the pipeline keeps: commands parse, call the Harness and render, never each other; the Harness draws nothing on a console.</summary>
public class ArchitectureTests
{
    static string Commands => Path.Combine(Repository.Root, "src", "Parity.Cli", "Commands");

    /// <summary>The command classes other than <paramref name="own"/> that <paramref name="source"/> names.</summary>
    static IEnumerable<string> OtherCommands(string source, string own, IEnumerable<string> commands) =>
        commands.Where(c => c != own && Regex.IsMatch(source, $@"\b{c}\b"));

    [Fact]
    public void No_command_class_references_another()
    {
        var commands = Directory.GetFiles(Commands, "*Command.cs").Select(f => Path.GetFileNameWithoutExtension(f)).ToList();
        Assert.NotEmpty(commands);
        foreach (var command in commands)
            Assert.Empty(OtherCommands(File.ReadAllText(Path.Combine(Commands, $"{command}.cs")), command, commands));
    }

    [Fact]
    public void A_command_that_calls_another_is_caught()
    {
        const string planted = "regressions.Judge(ReportCommand.Evaluate(spec, engine, console));";

        Assert.Equal(["ReportCommand"], OtherCommands(planted, "CheckCommand", ["CheckCommand", "ReportCommand", "TrainCommand"]));
    }

    [Fact]
    public void The_harness_references_no_console_library()
    {
        var references = typeof(Harness.Pipeline.SpecEvaluation).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain("Spectre.Console", references);
        Assert.DoesNotContain("System.CommandLine", references);
        Assert.DoesNotContain("System.Console", references);
    }
}
