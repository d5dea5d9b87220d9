using Parity.Spec.Yaml;

namespace Parity.Spec.Tests;

/// <summary>Writing a spec's YAML tree back as text (<see cref="YamlText"/>), as <c>parity shrink</c> writes its shrunk spec.</summary>
public class YamlTextTests
{
    public static TheoryData<string> BuiltInSpecs => new(Directory.GetFiles(SpecFolder(), "*.yaml").Order(StringComparer.Ordinal).Select(Path.GetFileName)!);

    /// <summary>Every built-in spec, written and read again, is the same tree and loads as the same spec.</summary>
    [Theory]
    [MemberData(nameof(BuiltInSpecs))]
    public void A_built_in_spec_written_back_reads_as_the_same_spec(string file)
    {
        var path = Path.Combine(SpecFolder(), file);
        var tree = (MappingNode)YamlTree.Parse(File.ReadAllText(path), path);

        var text = YamlText.Write(tree);

        Assert.Equal(text, YamlText.Write((MappingNode)YamlTree.Parse(text, path)));
        var (original, written) = (SpecLoader.Load(path), SpecLoader.Parse(text, path));
        Assert.Equal(original.Description, written.Description);
        Assert.Equal(original.Model.Select(Describe), written.Model.Select(Describe));
        Assert.Equal(original.Data.Classes, written.Data.Classes);
        Assert.Equal((original.Data with { Classes = null }, original.Optimizer, original.Schedule, original.Clip, original.Train, original.Init),
            (written.Data with { Classes = null }, written.Optimizer, written.Schedule, written.Clip, written.Train, written.Init));
    }

    [Theory]
    [InlineData("a: b", "\"a: b\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("- x", "\"- x\"")]
    [InlineData("", "\"\"")]
    [InlineData("two\nlines\t", "\"two\\nlines\\t\"")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("1.0e-8", "1.0e-8")]
    [InlineData("data/train set.csv", "data/train set.csv")]
    public void A_scalar_is_plain_only_where_YAML_reads_it_back_unchanged(string value, string written)
    {
        var mark = new SourceMark("t.yaml", 1, 1);
        var tree = new MappingNode([new(new ScalarNode("key", mark), new ScalarNode(value, mark))], mark);

        var text = YamlText.Write(tree);

        Assert.Equal($"key: {written}\n", text);
        var read = (MappingNode)YamlTree.Parse(text, "t.yaml");
        Assert.Equal(value, ((ScalarNode)read.Entries[0].Value).Value);
    }

    static string Describe(LayerSpec layer) => layer switch
    {
        LinearLayer l => $"linear {l.In} {l.Out} {l.Bias}",
        OpLayer o => $"{o.Keyword} {o.Settings.ToJson().ToJsonString()}",
        _ => layer.GetType().Name,
    };

    static string SpecFolder() => Path.Combine(Repository.Root, "parity-tests", "specs");
}
