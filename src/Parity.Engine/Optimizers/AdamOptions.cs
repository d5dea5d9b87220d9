namespace Parity.Engine.Optimizers;

/// <summary>torch.optim.Adam's and AdamW's arguments; <see cref="Decoupled"/> is AdamW (decay p ← p·(1 − lr·wd) instead of L2).</summary>
public sealed record AdamOptions(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Amsgrad, bool Decoupled)
{
    /// <summary>The description's <c>adam</c> or <c>adamw {lr, betas, eps, weight_decay, amsgrad}</c>, every option given (the description is complete).</summary>
    public static AdamOptions From(Described adam)
    {
        var betas = adam.Numbers("betas");
        return new(adam.Number("lr"), betas[0], betas[1], adam.Number("eps"), adam.Number("weight_decay"), adam.Flag("amsgrad"), adam.Kind == "adamw");
    }
}
