namespace Parity.Engine.Optimizers;

/// <summary>torch.optim.Adam's and AdamW's arguments; <see cref="Decoupled"/> is AdamW (decay p ← p·(1 − lr·wd) instead of L2).</summary>
public sealed record AdamOptions(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Amsgrad, bool Decoupled)
{
    /// <summary>The description's <c>adam</c> or <c>adamw {lr, betas, eps, weight_decay, amsgrad}</c>, PyTorch's defaults where left out (AdamW's weight_decay 0.01).</summary>
    public static AdamOptions From(Described adam)
    {
        var decoupled = adam.Kind == "adamw";
        var betas = adam.Options["betas"] is null ? [0.9, 0.999] : adam.Numbers("betas");
        return new(adam.Number("lr", 0.001), betas[0], betas[1], adam.Number("eps", 1e-8),
            adam.Number("weight_decay", decoupled ? 0.01 : 0), adam.Flag("amsgrad"), decoupled);
    }
}
