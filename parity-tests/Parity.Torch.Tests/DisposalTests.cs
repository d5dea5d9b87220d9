using F = Parity.Torch.torch.nn.functional;

namespace Parity.Torch.Tests;

/// <summary>A disposed handle is refused on the managed side, before any native call; disposing again does nothing.</summary>
[Collection(ProcessStateCollection.Name)]
public class DisposalTests
{
    [Theory]
    [InlineData("relu")]
    [InlineData("grad")]
    [InlineData("data")]
    [InlineData("shape")]
    [InlineData("backward")]
    [InlineData("copy_")]
    [InlineData("linear input")]
    [InlineData("linear bias")]
    [InlineData("cross_entropy target")]
    [InlineData("clip_grad_norm_")]
    [InlineData("clip_grad_value_")]
    [InlineData("SGD")]
    public void UsingADisposedTensorRaisesObjectDisposedException(string use)
    {
        using var live = torch.tensor([1.0, -2], [1, 2], requires_grad: true);
        var disposed = torch.tensor([3.0, 4], [1, 2], requires_grad: true);
        disposed.Dispose();
        var before = torch.live_tensors();

        Action act = use switch
        {
            "relu" => () => F.relu(disposed).Dispose(),
            "grad" => () => disposed.grad?.Dispose(),
            "data" => () => disposed.data<double>(),
            "shape" => () => _ = disposed.shape,
            "backward" => () => disposed.backward(),
            "copy_" => () => disposed.copy_([5.0, 6]),
            "linear input" => () => F.linear(disposed, live).Dispose(),
            "linear bias" => () => F.linear(live, live, disposed).Dispose(),
            "cross_entropy target" => () => F.cross_entropy(live, disposed).Dispose(),
            "clip_grad_norm_" => () => torch.nn.utils.clip_grad_norm_([live, disposed], 1.0),
            "clip_grad_value_" => () => torch.nn.utils.clip_grad_value_([live, disposed], 1.0),
            "SGD" => () => torch.optim.SGD([live, disposed], 0.1).Dispose(),
            _ => throw new ArgumentOutOfRangeException(nameof(use)),
        };

        Assert.Throws<ObjectDisposedException>(act);
        Assert.Equal(before, torch.live_tensors());
        Assert.Equal([1.0, -2], live.data<double>());
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
    public void ADisposedOptimizerOrSchedulerRaisesObjectDisposedException()
    {
        using var parameter = torch.tensor([1.0, 2], [1, 2], requires_grad: true);
        var optimizer = torch.optim.SGD([parameter], 0.1);
        var scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1, 0.5);
        scheduler.Dispose();
        scheduler.Dispose();

        Assert.Throws<ObjectDisposedException>(scheduler.step);
        Assert.Equal(0.1, optimizer.lr);
        optimizer.Dispose();
        optimizer.Dispose();
        Assert.Throws<ObjectDisposedException>(optimizer.step);
        Assert.Throws<ObjectDisposedException>(optimizer.zero_grad);
        Assert.Throws<ObjectDisposedException>(() => torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.5));
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
