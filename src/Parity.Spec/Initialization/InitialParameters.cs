namespace Parity.Spec.Initialization;

/// <summary>
/// The spec's initial parameters, drawn from the seed in layer order (weight, then bias), rounded to
/// the spec's dtype: every engine loaded with them starts in the same state. Formulas are
/// torch.nn.init's; docs/spec-format.md#initialisation gives the table.
/// </summary>
public static class InitialParameters
{
    public static IReadOnlyList<HostTensor> Create(ParitySpec spec)
    {
        if (spec.Init.Kind is InitKind.Torch or InitKind.From)
            throw new InvalidOperationException($"init: {spec.Init.Kind} is read or made by TorchSharp (Parity.Torch's TorchInitialParameters, StateDictFile)");
        var random = SeededRandom.For(spec.Seed, "init");
        var tensors = new List<HostTensor>();
        foreach (var (layer, (input, _)) in spec.Model.Zip(LayerShapes.Of(spec)))
        {
            // A bias is drawn from its layer's weight's fan-in, as nn.Linear's and nn.Conv2d's reset_parameters do.
            var fanIn = 0;
            foreach (var owned in LayerShapes.Owned(layer, input))
            {
                var values = new double[owned.Count];
                switch (owned.Role)
                {
                    case TensorRole.Weight:
                        int fanOut;
                        (fanIn, fanOut) = owned.Fans;
                        FillWeight(spec.Init, values, fanIn, fanOut, random);
                        break;
                    case TensorRole.Bias: FillBias(spec.Init, values, fanIn, random); break;
                    case TensorRole.Ones: Array.Fill(values, 1); break;
                    case TensorRole.Zeros: break;
                    case TensorRole.Normal: FillNormal(values, owned.Std, random); break;
                }
                tensors.Add(new HostTensor(layer.Prefix + owned.Name, owned.Shape, Round(values, spec.DType)));
            }
        }
        return tensors;
    }

    static void FillWeight(InitSpec init, double[] weight, int fanIn, int fanOut, SeededRandom random)
    {
        switch (init.Kind)
        {
            // nn.Linear's and nn.Conv2d's reset_parameters: kaiming_uniform_(a=√5) → bound = 1/√fan_in.
            case InitKind.TorchDefault: FillUniform(weight, 1 / Math.Sqrt(fanIn), random); break;
            case InitKind.XavierUniform: FillUniform(weight, Math.Sqrt(6.0 / (fanIn + fanOut)), random); break;
            case InitKind.XavierNormal: FillNormal(weight, Math.Sqrt(2.0 / (fanIn + fanOut)), random); break;
            // kaiming_*_ defaults: mode fan_in, leaky_relu gain with a = 0, i.e. √2.
            case InitKind.KaimingUniform: FillUniform(weight, Math.Sqrt(6.0 / fanIn), random); break;
            case InitKind.KaimingNormal: FillNormal(weight, Math.Sqrt(2.0 / fanIn), random); break;
            case InitKind.Normal: FillNormal(weight, init.Std, random); break;
            case InitKind.Uniform: FillRange(weight, init.Low, init.High, random); break;
            default: throw new ArgumentOutOfRangeException(nameof(init), init.Kind, null);
        }
    }

    /// <summary>torch-default keeps nn.Linear's (and nn.Conv2d's) bias init; normal and uniform apply to biases too; xavier and kaiming leave biases at zero.</summary>
    static void FillBias(InitSpec init, double[] bias, int fanIn, SeededRandom random)
    {
        switch (init.Kind)
        {
            case InitKind.TorchDefault: FillUniform(bias, 1 / Math.Sqrt(fanIn), random); break;
            case InitKind.Normal: FillNormal(bias, init.Std, random); break;
            case InitKind.Uniform: FillRange(bias, init.Low, init.High, random); break;
            default: Array.Clear(bias); break;
        }
    }

    static void FillUniform(double[] values, double bound, SeededRandom random) => FillRange(values, -bound, bound, random);

    static void FillRange(double[] values, double low, double high, SeededRandom random)
    {
        for (var i = 0; i < values.Length; i++)
            values[i] = random.Uniform(low, high);
    }

    static void FillNormal(double[] values, double std, SeededRandom random)
    {
        for (var i = 0; i < values.Length; i++)
            values[i] = std * random.Normal();
    }

    static double[] Round(double[] values, DType dtype) =>
        dtype == DType.Float32 ? values.Select(v => (double)(float)v).ToArray() : values;
}
