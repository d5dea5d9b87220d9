namespace CSharpEngine;

/// <summary>A layer of the model: forward keeps what backward needs; backward adds its parameters' gradients and returns the gradient reaching its input.</summary>
abstract class Layer
{
    public virtual IEnumerable<Parameter> Parameters => [];

    /// <summary>The output for <paramref name="rows"/> rows of input, row-major.</summary>
    public abstract double[] Forward(double[] input, int rows);

    /// <summary>dL/d(input) from dL/d(output), for the rows of the last forward.</summary>
    public abstract double[] Backward(double[] gradOutput, int rows);
}
