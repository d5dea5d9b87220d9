using Parity.Contract;

namespace CSharpEngine;

/// <summary>
/// torch.optim.SGD: d = g + wd·p; with momentum the buffer is d on the first step, then
/// μ·b + (1 − dampening)·d, and d = d + μ·b with Nesterov, b without; p ← p − lr·d.
/// </summary>
sealed class Sgd
{
    readonly IReadOnlyList<Parameter> _parameters;
    readonly double _momentum, _dampening, _weightDecay;
    readonly bool _nesterov;
    readonly Precision _precision;
    readonly double[][] _buffers;
    bool _started;

    public Sgd(IReadOnlyList<Parameter> parameters, Described sgd, Precision precision)
    {
        (_parameters, _precision) = (parameters, precision);
        Lr = sgd.Number("lr");
        (_momentum, _dampening, _weightDecay, _nesterov) = (sgd.Number("momentum", 0), sgd.Number("dampening", 0), sgd.Number("weight_decay", 0), sgd.Flag("nesterov"));
        _buffers = [.. parameters.Select(p => new double[p.Value.Length])];
    }

    public double Lr { get; set; }

    public void Step()
    {
        for (var k = 0; k < _parameters.Count; k++)
        {
            var (p, g, buffer) = (_parameters[k].Value, _parameters[k].Grad, _buffers[k]);
            for (var i = 0; i < p.Length; i++)
            {
                var d = g[i] + _weightDecay * p[i];
                if (_momentum != 0)
                {
                    buffer[i] = _precision.Round(_started ? _momentum * buffer[i] + (1 - _dampening) * d : d);
                    d = _nesterov ? d + _momentum * buffer[i] : buffer[i];
                }
                p[i] = _precision.Round(p[i] - Lr * d);
            }
        }
        _started = true;
    }
}
