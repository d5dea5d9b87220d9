using F = Parity.Torch.torch.nn.functional;

namespace Parity.Torch.Tests;

/// <summary>
/// A disposed handle is refused on the managed side, before any native call; disposing again does nothing.
/// One row per public entry point that takes a tensor, an optimizer or a scheduler.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class DisposalTests
{
    /// <summary>A live tensor, and a tensor, an optimizer (over the live tensor) and a scheduler, each already disposed.</summary>
    sealed class Handles : IDisposable
    {
        public readonly Tensor Live = torch.tensor([1.0, -2], [1, 2], requires_grad: true);
        public readonly Tensor Tensor = torch.tensor([3.0, 4], [1, 2], requires_grad: true);
        public readonly Modules.SGD Optimizer;
        public readonly Modules.LRScheduler Scheduler;

        public Handles()
        {
            Optimizer = torch.optim.SGD([Live], 0.1);
            using var other = torch.optim.SGD([Live], 0.1);
            Scheduler = torch.optim.lr_scheduler.StepLR(other, 1, 0.5);
            Scheduler.Dispose();
            Optimizer.Dispose();
            Tensor.Dispose();
        }

        public void Dispose() => Live.Dispose();
    }

    static readonly Dictionary<string, Action<Handles>> Uses = new()
    {
        ["Tensor.dtype"] = h => _ = h.Tensor.dtype,
        ["Tensor.shape"] = h => _ = h.Tensor.shape,
        ["Tensor.numel"] = h => h.Tensor.numel(),
        ["Tensor.grad"] = h => h.Tensor.grad?.Dispose(),
        ["Tensor.backward"] = h => h.Tensor.backward(),
        ["Tensor.retain_grad"] = h => h.Tensor.retain_grad(),
        ["Tensor.detach"] = h => h.Tensor.detach().Dispose(),
        ["Tensor.item"] = h => h.Tensor.item<double>(),
        ["Tensor.data"] = h => h.Tensor.data<double>(),
        ["Tensor.copy_"] = h => h.Tensor.copy_([5.0, 6]),
        ["torch.nn.functional.linear (input)"] = h => F.linear(h.Tensor, h.Live).Dispose(),
        ["torch.nn.functional.linear (weight)"] = h => F.linear(h.Live, h.Tensor).Dispose(),
        ["torch.nn.functional.linear (bias)"] = h => F.linear(h.Live, h.Live, h.Tensor).Dispose(),
        ["torch.nn.functional.relu"] = h => F.relu(h.Tensor).Dispose(),
        ["torch.nn.functional.leaky_relu"] = h => F.leaky_relu(h.Tensor).Dispose(),
        ["torch.nn.functional.tanh"] = h => F.tanh(h.Tensor).Dispose(),
        ["torch.nn.functional.sigmoid"] = h => F.sigmoid(h.Tensor).Dispose(),
        ["torch.nn.functional.softmax"] = h => F.softmax(h.Tensor, 1).Dispose(),
        ["torch.nn.functional.mse_loss (target)"] = h => F.mse_loss(h.Live, h.Tensor).Dispose(),
        ["torch.nn.functional.binary_cross_entropy (input)"] = h => F.binary_cross_entropy(h.Tensor, h.Live).Dispose(),
        ["torch.nn.functional.binary_cross_entropy_with_logits (target)"] = h => F.binary_cross_entropy_with_logits(h.Live, h.Tensor).Dispose(),
        ["torch.nn.functional.cross_entropy (input)"] = h => F.cross_entropy(h.Tensor, h.Live).Dispose(),
        ["torch.nn.functional.cross_entropy (target)"] = h => F.cross_entropy(h.Live, h.Tensor).Dispose(),
        ["torch.nn.utils.clip_grad_norm_"] = h => torch.nn.utils.clip_grad_norm_([h.Live, h.Tensor], 1.0),
        ["torch.nn.utils.clip_grad_value_"] = h => torch.nn.utils.clip_grad_value_([h.Live, h.Tensor], 1.0),
        ["torch.optim.SGD"] = h => torch.optim.SGD([h.Live, h.Tensor], 0.1).Dispose(),
        ["torch.optim.lr_scheduler.StepLR"] = h => torch.optim.lr_scheduler.StepLR(h.Optimizer, 1, 0.5).Dispose(),
        ["torch.optim.lr_scheduler.ExponentialLR"] = h => torch.optim.lr_scheduler.ExponentialLR(h.Optimizer, 0.5).Dispose(),
        ["SGD.lr"] = h => _ = h.Optimizer.lr,
        ["SGD.zero_grad"] = h => h.Optimizer.zero_grad(),
        ["SGD.step"] = h => h.Optimizer.step(),
        ["LRScheduler.step"] = h => h.Scheduler.step(),
    };

    /// <summary>The entry points covered, without the argument in parentheses.</summary>
    public static IEnumerable<string> EntryPoints => Uses.Keys.Select(use => use.Split(' ')[0]);

    public static TheoryData<string> Cases => new(Uses.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void UsingADisposedHandleRaisesObjectDisposedException(string use)
    {
        using var handles = new Handles();
        var before = torch.live_tensors();

        Assert.Throws<ObjectDisposedException>(() => Uses[use](handles));

        Assert.Equal(before, torch.live_tensors());
        Assert.Equal([1.0, -2], handles.Live.data<double>());
    }

    [Fact]
    public void DisposingTwiceReleasesTheTensorOnce()
    {
        using var other = torch.tensor([1.0], [1]);
        var tensor = torch.tensor([2.0], [1]);
        var before = ProcessStateCollection.SettledLiveTensors();

        tensor.Dispose();
        tensor.Dispose();

        Assert.Equal(before - 1, torch.live_tensors());
        Assert.Equal([1.0], other.data<double>());
    }

    [Fact]
    public void DisposingAnOptimizerOrSchedulerTwiceReleasesItOnce()
    {
        using var parameter = torch.tensor([1.0, 2], [1, 2], requires_grad: true);
        var optimizer = torch.optim.SGD([parameter], 0.1);
        var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1, 0.5);

        scheduler.Dispose();
        scheduler.Dispose();
        Assert.Equal(0.1, optimizer.lr);
        optimizer.Dispose();
        optimizer.Dispose();

        Assert.Throws<ObjectDisposedException>(optimizer.step);
        Assert.Equal([1.0, 2], parameter.data<double>());
    }

    [Fact]
    public void ALinearsParametersAreDisposedWithIt()
    {
        var before = ProcessStateCollection.SettledLiveTensors();
        var linear = torch.nn.LinearDefault(3, 2);
        Assert.Equal(before + 2, torch.live_tensors());

        linear.Dispose();

        Assert.Equal(before, torch.live_tensors());
        Assert.Throws<ObjectDisposedException>(() => linear.weight.data<double>());
        Assert.Throws<ObjectDisposedException>(() => linear.bias!.data<double>());
    }
}
