namespace Parity.Engine.Modules;

/// <summary>What a forward pass is for, as the backend tells each module before it (<see cref="Module{T}.Prepare"/>).</summary>
public enum ForwardMode
{
    /// <summary>A training step (ComputeGradients, TrainStep, Load): dropout applies the batch's mask; layers with buffers update them.</summary>
    Training,

    /// <summary>IBackend.Forward: the training step's forward — the same masks and batch statistics — with no side effect on any buffer.</summary>
    Inspection,

    /// <summary>IBackend.Evaluate: evaluation mode — no dropout, running statistics.</summary>
    Evaluation,
}
