using Parity.Harness.Checks;

namespace Parity.Harness.Tests;

/// <summary>Fast mode's seeded coordinates: 16 per tensor while the tensors are few, a shared budget when they are many, never fewer than 4.</summary>
public class FiniteDifferenceBudgetTests
{
    [Theory]
    [InlineData(1, 16)]
    [InlineData(9, 16)]   // the Fashion CNN: 8 parameters and the input
    [InlineData(16, 16)]
    [InlineData(28, 9)]   // char-gpt-words
    [InlineData(41, 6)]   // gpt-sort
    [InlineData(100, 4)]
    public void Coordinates_per_tensor_share_the_budget_between_the_floor_and_the_ceiling(int tensors, int samples)
    {
        Assert.Equal(samples, FiniteDifferenceCheck.SamplesPerTensorOf(tensors));
        Assert.True(tensors * samples <= Math.Max(FiniteDifferenceCheck.CoordinateBudget, tensors * FiniteDifferenceCheck.MinSamplesPerTensor));
    }
}
