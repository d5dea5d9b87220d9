using F = Parity.Torch.torch.nn.functional;

namespace Parity.Torch.Tests;

/// <summary>
/// A fault inside libtorch — a wrong dtype, mismatched shapes, a value out of range, an invalid handle —
/// is a TorchException with libtorch's own message; the process, the next op and the tensor count carry on.
/// One row per fault an entry point can meet; entry points no argument can fault are in <see cref="DisposalTests"/>.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class FaultTests
{
    /// <summary>The tensors faults are made of, fresh for each case and disposed after it whether the call fails or not.</summary>
    sealed class Inputs : IDisposable
    {
        public readonly Tensor X = torch.tensor([1.0, 2, 3, 4, 5, 6], [2, 3], requires_grad: true);
        public readonly Tensor X32 = torch.tensor([1.0, 2, 3, 4, 5, 6], [2, 3], ScalarType.Float32);
        public readonly Tensor Weight = torch.tensor([0.5, -0.5, 1, 0.25, 0.75, -1], [2, 3]);
        public readonly Tensor Square = torch.tensor([1.0, 2, 3, 4], [2, 2]);
        public readonly Tensor Probabilities = torch.tensor([0.1, 0.5, 0.9, 0.2, 0.4, 0.6], [2, 3]);
        public readonly Tensor Ints = torch.tensor([1L, 2, 3, 4, 5, 6], [2, 3]);
        public readonly Tensor Bias3 = torch.tensor([1.0, 2, 3], [3]);
        public readonly Tensor FloatClasses = torch.tensor([0.0, 1.0], [2]);
        public readonly Tensor ClassOutOfRange = torch.tensor([0L, 5L], [2]);
        public readonly Tensor NegativeClass = torch.tensor([-3L, 1L], [2]);
        public readonly Tensor ThreeClasses = torch.tensor([0L, 1L, 2L], [3]);

        public void Dispose()
        {
            foreach (var tensor in new[] { X, X32, Weight, Square, Probabilities, Ints, Bias3, FloatClasses, ClassOutOfRange, NegativeClass, ThreeClasses })
                tensor.Dispose();
        }
    }

    sealed record Fault(string EntryPoint, string Kind, Action<Inputs> Call, string Message);

    static readonly Fault[] Faults =
    [
        new("torch.tensor", "value count", _ => torch.tensor([1.0, 2, 3], [2, 2]).Dispose(), "3 values do not fill a tensor of shape [2, 2]"),
        new("torch.tensor", "int64 dtype", _ => torch.tensor([1.0, 2], [2], ScalarType.Int64).Dispose(), "dtype must be float32 (6) or float64 (7), got 4"),
        new("torch.tensor", "negative size", _ => torch.tensor([1.0, 2], [-1, -2]).Dispose(), "negative size in shape"),
        new("torch.tensor", "nine dimensions", _ => torch.tensor([1.0], [1, 1, 1, 1, 1, 1, 1, 1, 1]).Dispose(), "invalid shape"),
        new("torch.tensor", "size overflow", _ => torch.tensor(ReadOnlySpan<double>.Empty, [1L << 32, 1L << 32]).Dispose(), "numel: integer multiplication overflow"),
        new("torch.tensor", "int64 value count", _ => torch.tensor([1L, 2L, 3L], [4]).Dispose(), "3 values do not fill a tensor of shape [4]"),
        new("torch.tensor", "int64 negative size", _ => torch.tensor([1L, 2L], [-1, -2]).Dispose(), "negative size in shape"),
        new("torch.set_num_threads", "zero", _ => torch.set_num_threads(0), "thread count must be >= 1"),
        new("torch.nn.LinearDefault", "negative size", _ => torch.nn.LinearDefault(-1, 2).Dispose(), "Trying to create tensor with negative dimension -1: [2, -1]"),
        new("torch.nn.LinearDefault", "4 TB of weights", _ => torch.nn.LinearDefault(1_000_000, 1_000_000).Dispose(), "can't allocate memory: you tried to allocate 4000000000000 bytes"),
        new("torch.nn.functional.linear", "shapes", t => F.linear(t.X, t.Square).Dispose(), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x2)"),
        new("torch.nn.functional.linear", "dtypes", t => F.linear(t.X32, t.Weight).Dispose(), "expected scalar type Float but found Double"),
        new("torch.nn.functional.linear", "bias shape", t => F.linear(t.X, t.Weight, t.Bias3).Dispose(), "The expanded size of the tensor (2) must match the existing size (3)"),
        new("torch.nn.functional.leaky_relu", "int64", t => F.leaky_relu(t.Ints).Dispose(), "\"leaky_relu_cpu\" not implemented for 'Long'"),
        new("torch.nn.functional.softmax", "dim", t => F.softmax(t.X, 2).Dispose(), "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
        new("torch.nn.functional.softmax", "int64", t => F.softmax(t.Ints, 1).Dispose(), "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
        new("torch.nn.functional.mse_loss", "reduction none", t => F.mse_loss(t.X, t.Weight, (torch.nn.Reduction)0).Dispose(), "reduction must be mean (1) or sum (2), got 0"),
        new("torch.nn.functional.mse_loss", "shapes", t => F.mse_loss(t.X, t.Square).Dispose(), "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"),
        new("torch.nn.functional.mse_loss", "int64", t => F.mse_loss(t.Ints, t.Ints).Dispose(), "\"mse_cpu\" not implemented for 'Long'"),
        new("torch.nn.functional.binary_cross_entropy", "input outside [0, 1]", t => F.binary_cross_entropy(t.X, t.Weight).Dispose(), "all elements of input should be between 0 and 1"),
        new("torch.nn.functional.binary_cross_entropy", "shapes", t => F.binary_cross_entropy(t.Probabilities, t.Square).Dispose(), "The size of tensor a (3) must match the size of tensor b (2)"),
        new("torch.nn.functional.binary_cross_entropy", "dtypes", t => F.binary_cross_entropy(t.Probabilities, t.X32).Dispose(), "Found dtype Float but expected Double"),
        new("torch.nn.functional.binary_cross_entropy_with_logits", "shapes", t => F.binary_cross_entropy_with_logits(t.X, t.Square).Dispose(), "The size of tensor a (2) must match the size of tensor b (3)"),
        new("torch.nn.functional.binary_cross_entropy_with_logits", "int64 target", t => F.binary_cross_entropy_with_logits(t.X, t.Ints).Dispose(), "result type Double can't be cast to the desired output type Long"),
        new("torch.nn.functional.binary_cross_entropy_with_logits", "reduction", t => F.binary_cross_entropy_with_logits(t.X, t.Weight, (torch.nn.Reduction)7).Dispose(), "reduction must be mean (1) or sum (2), got 7"),
        new("torch.nn.functional.cross_entropy", "float target", t => F.cross_entropy(t.X, t.FloatClasses).Dispose(), "expected scalar type Long but found Double"),
        new("torch.nn.functional.cross_entropy", "class out of range", t => F.cross_entropy(t.X, t.ClassOutOfRange).Dispose(), "Target 5 is out of bounds."),
        new("torch.nn.functional.cross_entropy", "negative class", t => F.cross_entropy(t.X, t.NegativeClass).Dispose(), "Target -3 is out of bounds."),
        new("torch.nn.functional.cross_entropy", "batch sizes", t => F.cross_entropy(t.X, t.ThreeClasses).Dispose(), "Expected input batch_size (2) to match target batch_size (3)."),
        new("torch.nn.functional.cross_entropy", "reduction", t => F.cross_entropy(t.X, t.ClassOutOfRange, (torch.nn.Reduction)3).Dispose(), "reduction must be mean (1) or sum (2), got 3"),
        // A null in a list is the one invalid handle the managed API lets through to the shim: it is checked there.
        new("torch.nn.utils.clip_grad_norm_", "null handle", t => torch.nn.utils.clip_grad_norm_([t.X, null!], 1.0), "null parameter handle"),
        new("torch.nn.utils.clip_grad_value_", "null handle", t => torch.nn.utils.clip_grad_value_([t.X, null!], 1.0), "null parameter handle"),
        new("torch.optim.SGD", "null handle", t => torch.optim.SGD([t.X, null!], 0.1).Dispose(), "null parameter handle"),
        new("torch.optim.SGD", "negative lr", t => torch.optim.SGD([t.X], -0.1).Dispose(), "Invalid learning rate: -0.1"),
        new("torch.optim.SGD", "negative momentum", t => torch.optim.SGD([t.X], 0.1, momentum: -1).Dispose(), "Invalid momentum value: -1"),
        new("torch.optim.SGD", "negative weight decay", t => torch.optim.SGD([t.X], 0.1, weight_decay: -1).Dispose(), "Invalid weight_decay value: -1"),
        new("torch.optim.SGD", "nesterov without momentum", t => torch.optim.SGD([t.X], 0.1, nesterov: true).Dispose(), "Nesterov momentum requires a momentum and zero dampening"),
        new("torch.optim.SGD", "non-leaf parameter", t => NonLeaf(t, y => torch.optim.SGD([y], 0.1).Dispose()), "can't optimize a non-leaf Tensor"),
        new("torch.optim.lr_scheduler.StepLR", "step size 0", t => StepLR(t, 0), "step_size must be >= 1"),
        new("Tensor.backward", "non-scalar", t => NonLeaf(t, y => y.backward()), "grad can be implicitly created only for scalar outputs"),
        new("Tensor.backward", "no grad", t => t.Weight.backward(), "element 0 of tensors does not require grad and does not have a grad_fn"),
        new("Tensor.backward", "twice", t => NonLeaf(t, y =>
        {
            using var loss = F.mse_loss(y, t.Weight);
            loss.backward();
            loss.backward();
        }), "Trying to backward through the graph a second time"),
        new("Tensor.retain_grad", "no grad", t => t.Weight.retain_grad(), "can't retain_grad on Tensor that has requires_grad=False"),
        new("Tensor.item", "several elements", t => t.X.item<double>(), "a Tensor with 6 elements cannot be converted to Scalar"),
        new("Tensor.copy_", "value count", t => t.X.copy_([1.0, 2]), "got 2 values for a tensor of 6"),
    ];

    public static IEnumerable<string> EntryPoints => Faults.Select(f => f.EntryPoint);

    public static TheoryData<string, string> Cases
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var fault in Faults)
                cases.Add(fault.EntryPoint, fault.Kind);
            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FaultRaisesLibtorchsMessageAndTheNextOpWorks(string entryPoint, string kind)
    {
        var fault = Faults.Single(f => f.EntryPoint == entryPoint && f.Kind == kind);
        var before = ProcessStateCollection.SettledLiveTensors();

        var exception = Assert.Throws<TorchException>(() =>
        {
            using var inputs = new Inputs();
            fault.Call(inputs);
        });

        Assert.Contains(fault.Message, exception.Message);
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

    /// <summary>An op's output (not a leaf: it has a grad_fn), disposed whether or not the use fails.</summary>
    static void NonLeaf(Inputs t, Action<Tensor> use)
    {
        using var y = F.relu(t.X);
        use(y);
    }

    static void StepLR(Inputs t, int stepSize)
    {
        using var optimizer = torch.optim.SGD([t.X], 0.1);
        torch.optim.lr_scheduler.StepLR(optimizer, stepSize, 0.5).Dispose();
    }
}
