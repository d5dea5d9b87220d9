using System.Runtime.InteropServices;
using Parity.Torch.Twin;
using TorchSharp;

namespace Parity.Torch.Tests;

/// <summary>
/// Which of TorchSharp's errors are the spec's mistakes (exit 2, "check the spec's layer sizes") and
/// which are failures inside the reference (exit 1): the CLI tells them apart by TorchRuntime.IsInputError.
/// </summary>
public class TorchErrorTests
{
    [Fact]
    public void Shapes_that_do_not_fit_are_the_specs_mistake()
    {
        using var a = torch.zeros(2, 3);
        using var b = torch.zeros(4, 5);
        var error = Assert.ThrowsAny<ExternalException>(() => torch.mm(a, b));
        Assert.True(TorchRuntime.IsInputError(error), error.Message);
    }

    [Fact]
    public void A_class_index_out_of_range_is_the_specs_mistake()
    {
        using var logits = torch.zeros(2, 3);
        using var classes = torch.tensor(new long[] { 0, 7 });
        var error = Assert.ThrowsAny<ExternalException>(() => torch.nn.functional.cross_entropy(logits, classes));
        Assert.True(TorchRuntime.IsInputError(error), error.Message);
    }

    [Fact]
    public void A_token_id_out_of_the_vocabulary_is_the_specs_mistake()
    {
        using var embedding = torch.zeros(3, 4);
        using var ids = HostTensors.Tokens([0, 2, 3], [1, 3]);
        var error = Assert.ThrowsAny<ExternalException>(() => embedding.index_select(0, ids.reshape(-1)));
        Assert.True(TorchRuntime.IsInputError(error), error.Message);
    }

    [Fact]
    public void A_token_id_that_is_no_whole_number_is_refused_naming_it() =>
        Assert.Equal("token id 1.5 at 1 is not a whole number", Assert.Throws<ArgumentException>(() => HostTensors.Tokens([0, 1.5], [1, 2])).Message);

    [Theory]
    // libtorch's words when a scalar TorchSharp made was freed before libtorch read it (TorchRuntime.Gate).
    [InlineData("Expected false to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)")]
    [InlineData("Unknown scalar type.")]
    public void A_broken_invariant_inside_libtorch_is_not_the_specs_mistake(string message) =>
        Assert.False(TorchRuntime.IsInputError(new ExternalException(message)));
}
