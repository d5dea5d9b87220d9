using F = Parity.Torch.torch.nn.functional;

namespace Parity.Torch.Tests;

/// <summary>torch.no_grad() turns autograd off on this thread for its scope and then restores what was there before.</summary>
public class NoGradTests
{
    [Fact]
    public void OpsInsideNoGradRecordNoGraph()
    {
        using var x = torch.tensor([1.0, -2], [1, 2], requires_grad: true);

        using (torch.no_grad())
        {
            using var y = F.tanh(x);
            var exception = Assert.Throws<TorchException>(y.backward);
            Assert.Contains("does not require grad", exception.Message);
        }

        using var z = F.linear(x, x);
        z.backward();
        Assert.Equal([2.0, -4], Autograd.GradOf(x));
    }

    [Fact]
    public void AnInnerScopeLeavesTheOuterOneInForce()
    {
        using var x = torch.tensor([1.0, -2], [1, 2], requires_grad: true);

        using (torch.no_grad())
        {
            using (torch.no_grad())
                Assert.False(torch.is_grad_enabled());
            Assert.False(torch.is_grad_enabled());
            using var y = F.linear(x, x);
            Assert.Throws<TorchException>(y.backward);
        }

        Assert.True(torch.is_grad_enabled());
        using var z = F.linear(x, x);
        z.backward();
        Assert.Equal([2.0, -4], Autograd.GradOf(x));
    }

    [Fact]
    public void NoGradOnAnotherThreadDoesNotReachThisOne()
    {
        using var x = torch.tensor([3.0], [1, 1], requires_grad: true);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            using (torch.no_grad())
            {
                entered.Set();
                release.Wait();
            }
        });
        other.Start();
        entered.Wait();

        using var y = F.linear(x, x);
        y.backward();
        release.Set();
        other.Join();

        Assert.Equal([6.0], Autograd.GradOf(x));
    }
}
