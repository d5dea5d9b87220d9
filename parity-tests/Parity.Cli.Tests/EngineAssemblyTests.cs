namespace Parity.Cli.Tests;

/// <summary><c>--engine PATH.dll</c> refuses every assembly that breaks the plugin rule with one message naming the fix, exit 2, nothing written.</summary>
[Collection(TwinInThisProcessCollection.Name)]
public class EngineAssemblyTests
{
    static string Constructor(string className) => $"public {className}(ModelDescription model, IReadOnlyList<HostTensor> initialParameters) {{ }}";

    public static TheoryData<string, string, string> Refusals => new()
    {
        { "NoEngine", EngineAssemblies.Source("public sealed class Helper { }"),
            "no public class implements Parity.Contract.IBackend; make your engine class public and implement IBackend" },
        { "TwoEngines", EngineAssemblies.Source(EngineAssemblies.Backend("First", Constructor("First")), EngineAssemblies.Backend("Second", Constructor("Second"))),
            "2 public classes implement IBackend (First, Second); keep the engine public and make the others internal" },
        { "NoConstructor", EngineAssemblies.Source(EngineAssemblies.Backend("Engine", "public Engine(ModelDescription model) { }")),
            "Engine has no public constructor (ModelDescription model, IReadOnlyList<HostTensor> initialParameters); add one" },
        { "ThrowingConstructor", EngineAssemblies.Source(EngineAssemblies.Backend("Engine",
                "public Engine(ModelDescription model, IReadOnlyList<HostTensor> initialParameters) => throw new NotSupportedException(\"no layer '\" + model.Layers[1].Kind + \"' here\");")),
            "the constructor of Engine threw NotSupportedException for model xor-tanh-bce: no layer 'tanh' here" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void An_assembly_that_breaks_the_rule_is_refused(string name, string source, string expected)
    {
        using var temp = new TempFolder();
        var engine = EngineAssemblies.Compile(temp.Path, name, source);

        AssertRefused(temp, engine, $"parity: --engine {engine}: ", expected);
    }

    [Fact]
    public void An_engine_that_throws_while_it_runs_fails_with_one_line_naming_where()
    {
        using var temp = new TempFolder();
        var engine = EngineAssemblies.Compile(temp.Path, "Throwing", EngineAssemblies.Source(EngineAssemblies.Backend("Engine", Constructor("Engine"))));
        var json = temp["out.json"];

        var (exit, _, error) = Cli.Run("check", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--engine", engine, "--json", json);

        Assert.Equal(1, exit);
        Assert.Matches(@"^parity: the engine under test failed in Engine\.\w+: InvalidOperationException: not reached\n$", error);
        Assert.False(File.Exists(json));
    }

    [Fact]
    public void A_missing_file_is_refused() => AssertRefusedAlone("/no/such/engine.dll", "--engine /no/such/engine.dll: no such file; pass builtin, or the path of the .dll your engine builds to");

    [Fact]
    public void A_file_that_is_no_assembly_is_refused()
    {
        using var temp = new TempFolder();
        var engine = temp.File("engine.dll", "not an assembly");

        AssertRefused(temp, engine, $"parity: --engine {engine}: ", "not a .NET assembly");
    }

    [Theory]
    [InlineData("engine")]
    [InlineData("twin")]
    public void The_side_names_of_train_point_to_side(string side) =>
        AssertRefusedAlone(side, "--engine now names the engine under test (builtin, exec:COMMAND or PATH.dll); to train one side alone, use train --side engine|reference");

    static void AssertRefusedAlone(string engine, string expected)
    {
        using var temp = new TempFolder();
        AssertRefused(temp, engine, "parity: ", expected);
    }

    static void AssertRefused(TempFolder temp, string engine, string start, string expected)
    {
        var json = temp["out.json"];
        var (exit, output, error) = Cli.Run("check", Cli.BuiltInSpec("xor-tanh-bce.yaml"), "--engine", engine, "--json", json);

        Assert.Equal(2, exit);
        Assert.StartsWith(start, error);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain(" at ", error.Replace(" at step", ""));
        Assert.False(File.Exists(json));
    }
}
