using Parity.Harness;
using Xunit;

namespace Parity.Harness.Tests;

/// <summary>SideBySide: each part's result in the items' order, each part on its own thread, and a part's exception as it was thrown.</summary>
public class SideBySideTests
{
    [Fact]
    public void ResultsComeInTheItemsOrder() =>
        Assert.Equal([10, 20, 30], SideBySide.Each([1, 2, 3], item =>
        {
            // The first item finishes last: order must not follow finishing.
            Thread.Sleep(item == 1 ? 100 : 0);
            return item * 10;
        }));

    [Fact]
    public void PartsRunAtOnce()
    {
        using var both = new Barrier(2);
        // Each part waits for the other: run one after the other, neither would get past the barrier.
        Assert.Equal([true, true], SideBySide.Each([0, 1], _ => both.SignalAndWait(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public void TheLastPartRunsOnTheCallingThreadAndTheOthersElsewhere()
    {
        var caller = Environment.CurrentManagedThreadId;
        var threads = SideBySide.Each([0, 1, 2], _ => Environment.CurrentManagedThreadId);
        Assert.Equal(caller, threads[^1]);
        Assert.DoesNotContain(caller, threads[..^1]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void APartsExceptionIsRethrownAsItWasThrown(int failing)
    {
        var thrown = Assert.Throws<ArgumentException>(() => SideBySide.Each([0, 1], item => item == failing ? throw new ArgumentException($"part {item}") : item));
        Assert.Equal($"part {failing}", thrown.Message);
    }

    [Fact]
    public void EveryPartHasEndedWhenTheFirstFails()
    {
        var ended = false;
        Assert.Throws<InvalidOperationException>(() => SideBySide.Each([0, 1], item =>
        {
            if (item == 0)
                throw new InvalidOperationException("first");
            Thread.Sleep(200);
            ended = true;
            return item;
        }));
        Assert.True(ended);
    }
}
