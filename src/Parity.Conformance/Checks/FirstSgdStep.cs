namespace Parity.Conformance.Checks;

/// <summary>
/// The parameters after the first optimizer step, from the parameters before it and the gradients the
/// backend itself reported, as PyTorch computes them: clip_grad_norm_ (one norm over all gradients,
/// factor max/(total + 1e-6) when below 1) or clip_grad_value_, then torch.optim.SGD's first step —
/// d = g + wd·p; with momentum the buffer is d itself (no dampening on the first step), and
/// d = d + μ·d with Nesterov; p − lr·d.
/// </summary>
static class FirstSgdStep
{
    public static List<HostTensor> After(ModelDescription model, IReadOnlyList<HostTensor> parameters, IReadOnlyList<HostTensor> gradients, double lr)
    {
        if (model.Optimizer.Kind != "sgd")
            throw new NotSupportedException($"the kit derives the step of sgd only; this model's optimizer is {model.Optimizer.Kind}");
        var grads = gradients.Select(g => (double[])g.Data.Clone()).ToList();
        switch (model.Clip?.Kind)
        {
            case null:
                break;
            case "norm":
                var total = Math.Sqrt(grads.Sum(g => g.Sum(v => v * v)));
                var factor = model.Clip.Number("max_norm") / (total + 1e-6);
                if (factor < 1)
                    grads.ForEach(g => { for (var i = 0; i < g.Length; i++) g[i] *= factor; });
                break;
            case "value":
                var limit = model.Clip.Number("clip_value");
                grads.ForEach(g => { for (var i = 0; i < g.Length; i++) g[i] = Math.Clamp(g[i], -limit, limit); });
                break;
            default:
                throw new NotSupportedException($"the kit derives norm and value clipping only; this model's is {model.Clip.Kind}");
        }
        var sgd = model.Optimizer;
        var (momentum, decay, nesterov) = (sgd.Number("momentum"), sgd.Number("weight_decay"), sgd.Flag("nesterov"));
        // A buffer (batch norm's running statistics) has no gradient: the optimizer leaves it where the training forward put it.
        var index = gradients.Select((g, k) => (g.Name, k)).ToDictionary(g => g.Name, g => g.k);
        return parameters.Select(p => !index.TryGetValue(p.Name, out var k) ? p : p with
        {
            Data = [.. p.Data.Select((value, i) =>
            {
                var d = grads[k][i] + decay * value;
                if (momentum != 0 && nesterov)
                    d += momentum * d;
                return value - lr * d;
            })],
        }).ToList();
    }
}
