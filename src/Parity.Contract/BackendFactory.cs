namespace Parity.Contract;

/// <summary>
/// Makes a backend from a model description and the parameters it must start from: how Parity builds
/// every engine it checks. An engine's public constructor <c>(ModelDescription, IReadOnlyList&lt;HostTensor&gt;)</c>
/// is one.
/// </summary>
public delegate IBackend BackendFactory(ModelDescription model, IReadOnlyList<HostTensor> initialParameters);
