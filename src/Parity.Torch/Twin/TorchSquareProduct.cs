using static TorchSharp.torch;

namespace Parity.Torch.Twin;

/// <summary>
/// C = A·B on two n×n tensors by libtorch's own products (oneMKL), into C's storage with nothing allocated: one
/// of the machine's fastest products, for the product peak that the engine's GFLOP/s are measured against. On
/// the 5th-generation Xeon its 1024² float64 product ran 1.2–1.4× the engine's own kernel on one thread.
/// </summary>
public sealed class TorchSquareProduct : IDisposable
{
    readonly Tensor _a, _b, _c;

    /// <summary>A and B both the n×n <paramref name="values"/> (row-major), in float64 or float32.</summary>
    public TorchSquareProduct(double[] values, int n, bool float64)
    {
        lock (TorchRuntime.Gate)
        {
            var type = float64 ? ScalarType.Float64 : ScalarType.Float32;
            _a = HostTensors.ToTorch(values, [n, n], type);
            _b = _a.clone();
            _c = zeros(n, n, type);
        }
    }

    public void Multiply()
    {
        lock (TorchRuntime.Gate)
            _c.addmm_(_a, _b, beta: 0, alpha: 1);
    }

    public void Dispose()
    {
        lock (TorchRuntime.Gate)
        {
            _a.Dispose();
            _b.Dispose();
            _c.Dispose();
        }
    }
}
