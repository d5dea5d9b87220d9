namespace CSharpEngine;

/// <summary>A trainable tensor, row-major, under its state_dict name, and the gradient backward adds into it.</summary>
sealed class Parameter(string name, int[] shape)
{
    public string Name { get; } = name;
    public int[] Shape { get; } = shape;
    public double[] Value { get; } = new double[shape.Aggregate(1, (n, d) => n * d)];
    public double[] Grad { get; } = new double[shape.Aggregate(1, (n, d) => n * d)];
}
