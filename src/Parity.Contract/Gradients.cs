namespace Parity.Contract;

/// <summary>
/// What one backward pass found: the loss, each parameter's gradient (by parameter name; a buffer has none), the
/// gradient with respect to each layer's output (named by layer index, in model order) and with
/// respect to the batch's input features (named "input").
/// </summary>
public sealed record Gradients(double Loss, IReadOnlyList<HostTensor> Parameters, IReadOnlyList<HostTensor> LayerOutputs, HostTensor Input);
