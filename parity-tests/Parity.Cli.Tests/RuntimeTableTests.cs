using Parity.Cli.Output;
using Parity.Spec;

namespace Parity.Cli.Tests;

/// <summary>The runtime table names each bench workload's model as what it is, not by its dense widths alone. The counts: the CNN 160 + 4,640 + 200,832 + 1,290 parameters; the GPT 8,960 + 8,192 + 4 × 198,272 + 256 + 8,960.</summary>
public class RuntimeTableTests
{
    [Theory]
    [InlineData("disk-mlp-f64-b1000", "2-25-25-25-1")]
    [InlineData("fashion-mlp-f32-b256", "784-256-128-10")]
    [InlineData("fashion-cnn-f32-b64", "CNN: 2 convolutions, 206.9k parameters")]
    [InlineData("gpt-f32-b32", "transformer: 4 attention blocks, 819.5k parameters")]
    public void A_bench_workload_s_model_is_named_by_its_kind_and_size(string name, string model)
    {
        var spec = SpecLoader.Load(Path.Combine(Repository.Root, "parity-tests", "bench", $"{name}.yaml"));

        Assert.Equal(model, RuntimeTable.Model(spec));
    }
}
