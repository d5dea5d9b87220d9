namespace CSharpEngine;

/// <summary>An elementwise activation: y = f(x), and its derivative written from the output y where that is how it is cheapest.</summary>
sealed class Activation(Func<double, double> function, Func<double, double, double> derivative) : Layer
{
    public static Activation Relu() => new(x => x > 0 ? x : 0, (x, _) => x > 0 ? 1 : 0);

    public static Activation Tanh() => new(Math.Tanh, (_, y) => 1 - y * y);

    public static Activation Sigmoid() => new(x => 1 / (1 + Math.Exp(-x)), (_, y) => y * (1 - y));

    double[] _input = [], _output = [];

    public override double[] Forward(double[] input, int rows)
    {
        _input = input;
        return _output = [.. input.Select(function)];
    }

    public override double[] Backward(double[] gradOutput, int rows) =>
        [.. gradOutput.Select((g, i) => g * derivative(_input[i], _output[i]))];
}
