namespace Parity.Engine.Losses;

/// <summary>How a loss reduces its terms over the batch: their mean (PyTorch's default) or their sum.</summary>
public enum Reduction
{
    Mean,
    Sum,
}
