namespace Parity.Engine.Modules.Activations;

/// <summary>The row-wise ops (softmax, log-softmax) run over the features only: dim 1, or −1 on a [rows, features] batch.</summary>
static class FeatureDim
{
    public static void Require(LayerDescription layer)
    {
        if (layer.Integer("dim") is not (1 or -1))
            throw new ArgumentException($"layer {layer.Index}: the built-in engine takes {layer.Kind} over the features (dim 1) only");
    }
}
