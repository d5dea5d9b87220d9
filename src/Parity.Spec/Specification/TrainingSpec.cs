namespace Parity.Spec;

public sealed record TrainingSpec(int Epochs, int Batch, bool Shuffle);
