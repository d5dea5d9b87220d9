namespace Parity.Engine.Optimizers;

/// <summary>Gives the learning rate for the next epoch from the current one.</summary>
public interface ILearningRateSchedule
{
    /// <summary>
    /// The lr of the first epoch, from the optimizer's lr when the schedule is made: what a PyTorch
    /// scheduler's constructor sets (LinearLR scales it; the others keep it), and what SequentialLR's
    /// step(0) sets when a schedule takes over.
    /// </summary>
    double Start(double baseLr) => baseLr;

    double NextLr(double lr);
}
