using F = Parity.Torch.torch.nn.functional;

namespace Parity.Torch.Tests;

/// <summary>A fault inside libtorch is a TorchException with libtorch's own message; the process, the next op and the tensor count carry on.</summary>
[Collection(ProcessStateCollection.Name)]
public class FaultTests
{
    /// <summary>Runs the faulty call; should it succeed, its result is disposed all the same.</summary>
    static void Fault(string fault)
    {
        using var x = torch.tensor([1.0, 2, 3, 4, 5, 6], [2, 3], requires_grad: true);
        using var x32 = torch.tensor([1.0, 2, 3, 4, 5, 6], [2, 3], ScalarType.Float32);
        using var weight = torch.tensor([0.5, -0.5, 1, 0.25, 0.75, -1], [2, 3]);
        using var square = torch.tensor([1.0, 2, 3, 4], [2, 2]);
        using var floatClasses = torch.tensor([0.0, 1.0], [2]);
        using var classOutOfRange = torch.tensor([0L, 5L], [2]);
        using var negativeClass = torch.tensor([-3L, 1L], [2]);
        using var threeClasses = torch.tensor([0L, 1L, 2L], [3]);
        Action op = fault switch
        {
            "linear shapes" => () => F.linear(x, square).Dispose(),
            "linear dtypes" => () => F.linear(x32, weight).Dispose(),
            "cross_entropy float target" => () => F.cross_entropy(x, floatClasses).Dispose(),
            "cross_entropy class out of range" => () => F.cross_entropy(x, classOutOfRange).Dispose(),
            "cross_entropy negative class" => () => F.cross_entropy(x, negativeClass).Dispose(),
            "cross_entropy batch sizes" => () => F.cross_entropy(x, threeClasses).Dispose(),
            "binary_cross_entropy input outside [0, 1]" => () => F.binary_cross_entropy(x, weight).Dispose(),
            "softmax dim" => () => F.softmax(x, 2).Dispose(),
            "reduction none" => () => F.mse_loss(x, weight, (torch.nn.Reduction)0).Dispose(),
            "tensor value count" => () => torch.tensor([1.0, 2, 3], [2, 2]).Dispose(),
            "int64 tensor value count" => () => torch.tensor([1L, 2L, 3L], [4]).Dispose(),
            "tensor dtype" => () => torch.tensor([1.0, 2], [2], ScalarType.Int64).Dispose(),
            "backward of a non-scalar" => () => Backward(F.relu(x)),
            "backward without grad" => () => Backward(F.relu(weight)),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        op();
    }

    [Theory]
    [InlineData("linear shapes", "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x2)")]
    [InlineData("linear dtypes", "expected scalar type Float but found Double")]
    [InlineData("cross_entropy float target", "expected scalar type Long but found Double")]
    [InlineData("cross_entropy class out of range", "Target 5 is out of bounds.")]
    [InlineData("cross_entropy negative class", "Target -3 is out of bounds.")]
    [InlineData("cross_entropy batch sizes", "Expected input batch_size (2) to match target batch_size (3).")]
    [InlineData("binary_cross_entropy input outside [0, 1]", "all elements of input should be between 0 and 1")]
    [InlineData("softmax dim", "Dimension out of range (expected to be in range of [-2, 1], but got 2)")]
    [InlineData("reduction none", "reduction must be mean (1) or sum (2), got 0")]
    [InlineData("tensor value count", "3 values do not fill a tensor of shape [2, 2]")]
    [InlineData("int64 tensor value count", "3 values do not fill a tensor of shape [4]")]
    [InlineData("tensor dtype", "dtype must be float32 (6) or float64 (7), got 4")]
    [InlineData("backward of a non-scalar", "grad can be implicitly created only for scalar outputs")]
    [InlineData("backward without grad", "element 0 of tensors does not require grad and does not have a grad_fn")]
    public void FaultRaisesLibtorchsMessageAndTheNextOpWorks(string fault, string message)
    {
        var before = ProcessStateCollection.SettledLiveTensors();

        var exception = Assert.Throws<TorchException>(() => Fault(fault));

        Assert.Contains(message, exception.Message);
        Assert.Equal(before, torch.live_tensors());
        using (var x = torch.tensor([-1.0, 2, -3, 4], [2, 2]))
        using (var y = F.relu(x))
            Assert.Equal([0.0, 2, 0, 4], y.data<double>());
        Assert.Equal(before, torch.live_tensors());
    }

    /// <summary>The last error is the failing call's alone: the calls right after it, even ones that cannot fail, do not raise it again.</summary>
    [Fact]
    public void TheErrorOfAFaultIsNotRaisedAgainByTheNextCalls()
    {
        using var x = torch.tensor([1.0, 2, 3, 4, 5, 6], [2, 3]);
        using var square = torch.tensor([1.0, 2, 3, 4], [2, 2]);
        var live = ProcessStateCollection.SettledLiveTensors();

        Assert.Throws<TorchException>(() => F.linear(x, square));

        Assert.Equal(live, torch.live_tensors());
        Assert.Throws<TorchException>(() => F.linear(x, square));
        Assert.True(torch.get_num_threads() >= 1);
        Assert.Equal([2L, 3L], x.shape);
    }

    /// <summary>backward() of an op's output, disposed whether or not backward fails.</summary>
    static void Backward(Tensor output)
    {
        using (output)
            output.backward();
    }
}
