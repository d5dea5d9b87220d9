using Parity.Engine;
using Parity.Engine.Modules;
using Parity.Engine.Numerics;

namespace Parity.PlantedBugs.Tests.Bugs;

/// <summary>Avg-pool's backward copying each output's gradient to its window's inputs without the division by the window's size that the forward's mean has.</summary>
sealed class AvgPoolNotDividedByWindow(LayerDescription layer) : Module<double>
{
    readonly Module<double> _pool = EngineParts<double>.Standard.Layers["avg-pool2d"](layer);
    readonly double _window = layer.Integers("kernel_size").Aggregate(1, (n, k) => n * k);

    public static Module<double> Create(LayerDescription layer) => new AvgPoolNotDividedByWindow(layer);

    public override Matrix<double> Forward(Matrix<double> input) => _pool.Forward(input);

    public override Matrix<double> Backward(Matrix<double> gradOutput)
    {
        var dx = _pool.Backward(gradOutput);
        for (var i = 0; i < dx.Data.Length; i++)
            dx.Data[i] *= _window;
        return dx;
    }
}
