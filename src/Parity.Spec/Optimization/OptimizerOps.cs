using System.Globalization;
using System.Text.Json.Nodes;
using static Parity.Contract.OptimizerStateKeys;

namespace Parity.Spec;

/// <summary>
/// The catalogue of optimizers, torch.optim's: one entry each, read by the spec loader (options, defaults,
/// ranges), the model description, bench's FLOP count, the memory estimate, the diagnosis (state entries and the
/// part of the update each is), the random specs and the optimizer helper test. A new optimizer is an entry here,
/// its engine class and its TorchSharp mapping.
/// </summary>
public static class OptimizerOps
{
    static OpOption Lr(double? fallback) => OpOption.Number("lr", fallback, 0, 1e6, exclusiveMin: true);

    static OpOption WeightDecay(double fallback = 0) => OpOption.Number("weight_decay", fallback, 0, 1e6);

    static OpOption Eps(double fallback) => OpOption.Number("eps", fallback, 0, 1);

    static readonly OpOption Betas = OpOption.Numbers("betas", 0.9, 0.999, 0, 0.999999999);

    public static IReadOnlyList<OptimizerOp> All { get; } =
    [
        // p − lr·g 2, weight decay 2, momentum 3 (μ·b + k·g), Nesterov 2 more
        new("sgd")
        {
            Options = [Lr(null), OpOption.Number("momentum", 0, 0, 1e6), OpOption.Number("dampening", 0, 0, 1), WeightDecay(), OpOption.Flag("nesterov", false)],
            // torch.optim.SGD refuses this combination with the same words.
            Refuses = s => s.Flag("nesterov") && (s.Number("momentum") <= 0 || s.Number("dampening") != 0)
                ? ("nesterov", "Nesterov momentum requires a momentum > 0 and zero dampening (as torch.optim.SGD does)")
                : null,
            StateKeys = s => s.Number("momentum") != 0 ? [MomentumBuffer] : [],
            StepFlops = s => 2 + Decayed(s) + (s.Number("momentum") != 0 ? (s.Flag("nesterov") ? 5 : 3) : 0),
            Part = SgdPart,
            Examples =
            [
                new() { ["lr"] = 0.1 },
                new() { ["lr"] = 0.1, ["momentum"] = 0.9, ["dampening"] = 0.2, ["weight_decay"] = 0.01 },
                new() { ["lr"] = 0.1, ["momentum"] = 0.9, ["nesterov"] = true },
            ],
        },
        Adam("adam", decay: 0),
        // AdamW decouples the decay (p ← p·(1 − lr·wd)), and PyTorch defaults it to 0.01.
        Adam("adamw", decay: 0.01),
        // s 3, √, eps, division, update 2; centered 5, momentum 2
        new("rmsprop")
        {
            Options = [Lr(0.01), OpOption.Number("alpha", 0.99, 0, 1), Eps(1e-8), WeightDecay(), OpOption.Number("momentum", 0, 0, 1e6), OpOption.Flag("centered", false)],
            StateKeys = s => [Step, SquareAvg, .. s.Flag("centered") ? [GradAvg] : Array.Empty<string>(), .. s.Number("momentum") > 0 ? [MomentumBuffer] : Array.Empty<string>()],
            StepFlops = s => 8 + Decayed(s) + (s.Flag("centered") ? 5 : 0) + (s.Number("momentum") != 0 ? 2 : 0),
            Part = RmspropPart,
            Examples =
            [
                new(),
                new() { ["momentum"] = 0.5, ["centered"] = true, ["weight_decay"] = 0.01 },
            ],
        },
        // s 2, √, eps, division, update 2
        new("adagrad")
        {
            Options = [Lr(0.01), OpOption.Number("lr_decay", 0, 0, 1e6), WeightDecay(), Eps(1e-10), OpOption.Number("initial_accumulator_value", 0, 0, 1e6)],
            StateKeys = _ => [Step, Sum],
            StepFlops = s => 7 + Decayed(s),
            Part = (s, key, _) => key switch
            {
                Step => "the step count t, one more at every step, feeds it",
                Sum => $"initial_accumulator_value {N(s.Number("initial_accumulator_value"))} feeds it, s ← s + g²{DecayedGradient(s)}",
                _ => $"lr {N(s.Number("lr"))}, lr_decay {N(s.Number("lr_decay"))} and eps {N(s.Number("eps"))} feed it, p ← p − (lr / (1 + (t − 1)·lr_decay))·g / (√s + eps)",
            },
            Examples =
            [
                new(),
                new() { ["lr_decay"] = 0.01, ["weight_decay"] = 0.01, ["initial_accumulator_value"] = 0.1 },
            ],
        },
        // NAdam: Adam's two moments 6, √ of v / (1 − β₂ᵗ) 2, eps, two quotients and two updates 6
        new("nadam")
        {
            Options = [Lr(0.002), Betas, Eps(1e-8), WeightDecay(), OpOption.Number("momentum_decay", 0.004, 0, 1e6)],
            StateKeys = _ => [Step, MuProduct, ExpAvg, ExpAvgSq],
            StepFlops = s => 15 + Decayed(s),
            Part = (s, key, _) => key switch
            {
                Step => "the step count t, one more at every step, feeds it",
                MuProduct => $"betas[0] {N(s.Numbers("betas")[0])} and momentum_decay {N(s.Number("momentum_decay"))} feed it, Π ← Π·μₜ with μₜ = β₁·(1 − ½·0.96^(t·momentum_decay))",
                ExpAvg => $"betas[0] {N(s.Numbers("betas")[0])} feeds it, m ← β₁·m + (1 − β₁)·g{DecayedGradient(s)}",
                ExpAvgSq => $"betas[1] {N(s.Numbers("betas")[1])} feeds it, v ← β₂·v + (1 − β₂)·g²{DecayedGradient(s)}",
                _ => $"lr {N(s.Number("lr"))}, eps {N(s.Number("eps"))}, mu_product and the bias correction feed it, "
                    + "p ← p − (lr·(1 − μₜ) / (1 − Π))·g / d − (lr·μₜ₊₁ / (1 − Π·μₜ₊₁))·m / d with d = √(v / (1 − β₂ᵗ)) + eps",
            },
            Examples =
            [
                new(),
                new() { ["lr"] = 0.01, ["betas"] = new JsonArray(0.8, 0.99), ["weight_decay"] = 0.01, ["momentum_decay"] = 0.04 },
            ],
        },
    ];

    static readonly Dictionary<string, OptimizerOp> ByKeyword = All.ToDictionary(op => op.Keyword);

    public static OptimizerOp? Find(string keyword) => ByKeyword.GetValueOrDefault(keyword);

    public static OptimizerOp Of(string keyword) => ByKeyword[keyword];

    /// <summary>Adam and AdamW: two moments 3 each, √, two divisions, eps, the update 2; amsgrad 1.</summary>
    static OptimizerOp Adam(string keyword, double decay) => new(keyword)
    {
        Options = [Lr(0.001), Betas, Eps(1e-8), WeightDecay(decay), OpOption.Flag("amsgrad", false)],
        StateKeys = s => [Step, ExpAvg, ExpAvgSq, .. s.Flag("amsgrad") ? [MaxExpAvgSq] : Array.Empty<string>()],
        StepFlops = s => 12 + Decayed(s) + (s.Flag("amsgrad") ? 1 : 0),
        Part = (s, key, _) => AdamPart(s, key, decoupled: keyword == "adamw"),
        Examples =
        [
            new(),
            new() { ["lr"] = 0.01, ["betas"] = new JsonArray(0.8, 0.99), ["weight_decay"] = 0.05, ["amsgrad"] = true },
        ],
    };

    /// <summary>Weight decay's 2 operations per element, where it is on.</summary>
    static int Decayed(OpSettings s) => s.Number("weight_decay") != 0 ? 2 : 0;

    static string DecayedGradient(OpSettings s) => s.Number("weight_decay") is var wd && wd == 0 ? "" : $", with the decayed gradient g = grad + wd·p (weight_decay {N(wd)})";

    static string SgdPart(OpSettings s, string key, int step)
    {
        var (momentum, dampening) = (s.Number("momentum"), s.Number("dampening"));
        if (key == MomentumBuffer)
            return step == 1
                ? $"PyTorch's first buffer is the gradient itself, b ← g{DecayedGradient(s)}; momentum {N(momentum)} and dampening {N(dampening)} act from step 2 on"
                : $"momentum {N(momentum)} and dampening {N(dampening)} feed it, b ← μ·b + (1 − dampening)·g{DecayedGradient(s)}";
        return (s.Flag("nesterov") ? $"the Nesterov look-ahead (nesterov, momentum {N(momentum)}) feeds it, p ← p − lr·(g + μ·b) with b the buffer after this step's update"
            : momentum != 0 ? "p ← p − lr·b feeds it" : $"p ← p − lr·g feeds it{DecayedGradient(s)}") + $", lr {N(s.Number("lr"))}";
    }

    static string AdamPart(OpSettings s, string key, bool decoupled)
    {
        var (betas, amsgrad, wd) = (s.Numbers("betas"), s.Flag("amsgrad"), s.Number("weight_decay"));
        var decayed = decoupled ? "" : DecayedGradient(s);
        return key switch
        {
            Step => "the step count t, one more at every step, feeds it",
            ExpAvg => $"betas[0] {N(betas[0])} feeds it, m ← β₁·m + (1 − β₁)·g{decayed}",
            ExpAvgSq => $"betas[1] {N(betas[1])} feeds it, v ← β₂·v + (1 − β₂)·g²{decayed}",
            MaxExpAvgSq => "amsgrad feeds it, v̂ ← max(v̂, v), the largest v so far",
            _ => $"lr {N(s.Number("lr"))}, eps {N(s.Number("eps"))} and the bias corrections feed it, "
                + (amsgrad ? "p ← p − (lr / (1 − β₁ᵗ))·m / (√v̂ / √(1 − β₂ᵗ) + eps) with amsgrad's v̂ = max_exp_avg_sq" : "p ← p − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + eps)")
                + (decoupled && wd != 0 ? $", after AdamW's decoupled decay p ← p·(1 − lr·wd) (weight_decay {N(wd)})" : ""),
        };
    }

    static string RmspropPart(OpSettings s, string key, int step)
    {
        var (centered, momentum, alpha, eps) = (s.Flag("centered"), s.Number("momentum"), s.Number("alpha"), s.Number("eps"));
        var root = centered ? "√(s − ḡ²)" : "√s";
        var centeredNote = centered ? ", centered: ḡ the running mean of g in grad_avg, s the square_avg" : "";
        return key switch
        {
            Step => "the step count, one more at every step, feeds it",
            SquareAvg => $"alpha {N(alpha)} feeds it, s ← α·s + (1 − α)·g²{DecayedGradient(s)}",
            GradAvg => $"alpha {N(alpha)} and centered feed it, ḡ ← α·ḡ + (1 − α)·g{DecayedGradient(s)}",
            MomentumBuffer => $"momentum {N(momentum)} and eps {N(eps)} feed it, b ← μ·b + g / ({root} + eps){centeredNote}",
            _ when momentum > 0 => $"lr {N(s.Number("lr"))} feeds it, p ← p − lr·b with the momentum_buffer b ← μ·b + g / ({root} + eps){centeredNote}",
            _ => $"lr {N(s.Number("lr"))} and eps {N(eps)} feed it, p ← p − lr·g / ({root} + eps){centeredNote}",
        };
    }

    /// <summary>A value as the diagnosis shows it.</summary>
    static string N(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
