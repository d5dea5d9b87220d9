using System.Numerics;
using Parity.Engine.Losses;
using Parity.Engine.Numerics;

namespace Parity.Engine.Tests;

public class LossTests
{
    public static TheoryData<string, Reduction> All => new()
    {
        { "mse", Reduction.Mean }, { "mse", Reduction.Sum },
        { "bce", Reduction.Mean }, { "bce", Reduction.Sum },
        { "bce-with-logits", Reduction.Mean }, { "bce-with-logits", Reduction.Sum },
        { "cross-entropy", Reduction.Mean }, { "cross-entropy", Reduction.Sum },
    };

    internal static Loss<double> Create(string name, Reduction reduction) => name switch
    {
        "mse" => new MseLoss<double>(reduction),
        "bce" => new BceLoss<double>(reduction),
        "bce-with-logits" => new BceWithLogitsLoss<double>(reduction),
        "cross-entropy" => new CrossEntropyLoss<double>(reduction),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>A small batch, its targets, the loss summed over all terms, and what the mean divides by.</summary>
    static (Matrix<double> Output, LossTargets<double> Targets, double Sum, int Count) HandCase(string name) => name switch
    {
        // differences −0.5, 0, 1, −2 → 0.25 + 0 + 1 + 4
        "mse" => (Matrix<double>.From(2, 2, [1, 2, 3, 4]), Values(2, 2, [1.5, 2, 2, 6]), 5.25, 4),
        "bce" => (Matrix<double>.From(1, 3, [0.8, 0.3, 0.6]), Values(1, 3, [1, 0, 0.25]),
            -Math.Log(0.8) - Math.Log(0.7) - (0.25 * Math.Log(0.6) + 0.75 * Math.Log(0.4)), 3),
        "bce-with-logits" => (Matrix<double>.From(1, 3, [2, -1, 0.5]), Values(1, 3, [1, 0, 0.25]),
            -Math.Log(Sigmoid(2)) - Math.Log(1 - Sigmoid(-1)) - (0.25 * Math.Log(Sigmoid(0.5)) + 0.75 * Math.Log(1 - Sigmoid(0.5))), 3),
        // L_i = log Σ_j e^(x_ij) − x_i,y; the mean is over rows
        "cross-entropy" => (Matrix<double>.From(2, 3, [1, 2, 3, 1, 1, 1]), new LossTargets<double>(null, [2, 0]),
            Math.Log(Math.E + Math.Exp(2) + Math.Exp(3)) - 3 + Math.Log(3), 2),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    static LossTargets<double> Values(int rows, int cols, double[] values) => new(Matrix<double>.From(rows, cols, values), null);

    [Theory, MemberData(nameof(All))]
    public void ForwardMatchesHandComputedValue(string name, Reduction reduction)
    {
        var (output, targets, sum, count) = HandCase(name);

        var value = Create(name, reduction).Forward(output, targets);

        Assert.Equal(reduction == Reduction.Mean ? sum / count : sum, value, 1e-14);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.0)]
    public void BceClampsEachLogAtMinus100(double p, double y)
    {
        var loss = new BceLoss<double>(Reduction.Mean);

        Assert.Equal(100, loss.Forward(Matrix<double>.From(1, 1, [p]), Values(1, 1, [y])));
    }

    [Theory]
    [InlineData(0.0, 1.0, -1 / (double)1e-12f)]   // (0 − 1) / max(0, 1e-12f)
    [InlineData(1.0, 0.0, 1 / (double)1e-12f)]    // (1 − 0) / max(0, 1e-12f): 1.000000004e12, not 1e12, as PyTorch's float EPSILON gives
    [InlineData(1e-13, 0.0, 1e-13 / (double)1e-12f)]   // 1e-13 / max(≈1e-13, 1e-12f); without the floor it would be ≈1
    public void BceBackwardDividesByAtLeastFloat1e12(double p, double y, double expected)
    {
        var loss = new BceLoss<double>(Reduction.Mean);
        loss.Forward(Matrix<double>.From(1, 1, [p]), Values(1, 1, [y]));

        Assert.Equal(expected, loss.Backward().Data[0], Math.Abs(expected) * 1e-12);
    }

    [Fact]
    public void BceWithLogitsStaysFiniteForHugeLogits()
    {
        var loss = new BceWithLogitsLoss<double>(Reduction.Sum);

        // wrong by 1000 in the first two terms (L = |x|), right in the last two (L = log(1 + e^−1000) = 0)
        var value = loss.Forward(Matrix<double>.From(1, 4, [1000, -1000, 1000, -1000]), Values(1, 4, [0, 1, 1, 0]));

        Assert.Equal(2000, value);
        Assert.Equal([1, -1, 0, 0], loss.Backward().Data);
    }

    [Theory]
    [InlineData(false, 1e-15)]
    [InlineData(true, 1e-7)]
    public void CrossEntropyIsStableForLargeLogits(bool float32, double tolerance)
    {
        var (value, grad) = float32 ? LargeLogits<float>() : LargeLogits<double>();

        // log(e^1000 + e^1001) = 1001 + log(1 + e^−1): row 0 (class 1) loses log(1 + e^−1), row 1 (class 0) one more
        Assert.Equal(1 + 2 * Math.Log(1 + Math.Exp(-1)), value, 10 * tolerance);
        var (p0, p1) = (1 / (1 + Math.E), Math.E / (1 + Math.E));
        Elementwise.AssertClose([p0, p1 - 1, p0 - 1, p1], grad, tolerance);
    }

    static (double Value, double[] Grad) LargeLogits<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var loss = new CrossEntropyLoss<T>(Reduction.Sum);
        var value = loss.Forward(Matrix<T>.From(2, 2, [1000, 1001, 1000, 1001]), new LossTargets<T>(null, [1, 0]));
        return (value, loss.Backward().ToDoubles());
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void CrossEntropyRejectsClassOutOfRange(int target)
    {
        var loss = new CrossEntropyLoss<double>(Reduction.Mean);

        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(Matrix<double>.From(2, 3, [1, 2, 3, 4, 5, 6]), new LossTargets<double>(null, [0, target])));
    }
}
