namespace Parity.Engine.Optimizers;

/// <summary>Gives the learning rate for the next epoch from the current one.</summary>
public interface ILearningRateSchedule
{
    double NextLr(double lr);
}
