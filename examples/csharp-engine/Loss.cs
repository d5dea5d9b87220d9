using Parity.Contract;

namespace CSharpEngine;

/// <summary>A loss over a batch: forward returns the reduced value; backward its gradient with respect to the model's output, the mean's 1/n included.</summary>
abstract class Loss(bool mean)
{
    public abstract double Forward(double[] output, int rows, int width, Batch batch);

    public abstract double[] Backward();

    /// <summary>The sum of the terms, divided by their count for the mean.</summary>
    protected double Reduce(double sum, int count) => mean ? sum / count : sum;

    /// <summary>The factor the reduction puts on each term's gradient.</summary>
    protected double Scale(int count) => mean ? 1.0 / count : 1.0;
}
