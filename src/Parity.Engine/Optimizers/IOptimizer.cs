namespace Parity.Engine.Optimizers;

/// <summary>An update rule over the parameters it was made with, using their current gradients.</summary>
public interface IOptimizer
{
    /// <summary>The current learning rate; schedules change it between epochs.</summary>
    double Lr { get; set; }

    void Step();
}
