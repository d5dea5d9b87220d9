namespace Parity.Contract;

/// <summary>
/// The keys of <see cref="IOptimizerState"/>'s entries, PyTorch's state_dict keys: one place for the words every
/// project (engine, TorchSharp twin, protocol, harness) names them by. An entry is <c>PARAMETER.KEY</c>, shaped as
/// its parameter, except the per-parameter scalars (<see cref="IsScalar"/>, shape []) and <see cref="Lr"/>, the
/// optimizer's own entry.
/// </summary>
public static class OptimizerStateKeys
{
    /// <summary>The learning rate in effect, PyTorch's <c>param_groups[0]["lr"]</c>; the one entry that names no parameter.</summary>
    public const string Lr = "lr";

    public const string Step = "step";
    public const string MomentumBuffer = "momentum_buffer";
    public const string ExpAvg = "exp_avg";
    public const string ExpAvgSq = "exp_avg_sq";
    public const string MaxExpAvgSq = "max_exp_avg_sq";
    public const string SquareAvg = "square_avg";
    public const string GradAvg = "grad_avg";
    public const string Sum = "sum";

    /// <summary>NAdam's running product of its momentum coefficients μ₁·…·μₜ, one number per parameter.</summary>
    public const string MuProduct = "mu_product";

    /// <summary>A key whose entries are one number per parameter (shape []), not shaped as the parameter.</summary>
    public static bool IsScalar(string key) => key is Step or MuProduct;
}
