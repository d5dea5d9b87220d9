namespace CSharpEngine;

/// <summary>
/// The engine computes in double whatever the model's dtype; a float32 model keeps every value it
/// stores — activations, gradients, parameters, momentum — rounded to float32, as PyTorch stores them.
/// </summary>
sealed class Precision(bool float32)
{
    public double[] Round(double[] values)
    {
        if (float32)
            for (var i = 0; i < values.Length; i++)
                values[i] = (float)values[i];
        return values;
    }

    public double Round(double value) => float32 ? (float)value : value;
}
