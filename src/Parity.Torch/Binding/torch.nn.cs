namespace Parity.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Loss reductions, numbered as at::Reduction.</summary>
        public enum Reduction
        {
            Mean = 1,
            Sum = 2,
        }

        /// <summary>An nn.Linear's parameters as libtorch initialises them by default (from its seeded generator).</summary>
        public sealed record Linear(Tensor weight, Tensor? bias) : IDisposable
        {
            public void Dispose()
            {
                weight.Dispose();
                bias?.Dispose();
            }
        }

        public static Linear LinearDefault(long inputSize, long outputSize, bool hasBias = true)
        {
            Native.pt_linear_default_init(inputSize, outputSize, hasBias ? 1 : 0, out var weight, out var bias);
            Native.Check();
            return new Linear(new Tensor(weight), hasBias ? new Tensor(bias) : null);
        }

        public static partial class functional
        {
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null)
            {
                using var lease = new HandleLease([bias]);
                return new Tensor(Native.pt_linear(input.Handle, weight.Handle, lease.Pointers[0]));
            }

            public static Tensor relu(Tensor input) => new(Native.pt_relu(input.Handle));

            public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01) => new(Native.pt_leaky_relu(input.Handle, negative_slope));

            public static Tensor tanh(Tensor input) => new(Native.pt_tanh(input.Handle));

            public static Tensor sigmoid(Tensor input) => new(Native.pt_sigmoid(input.Handle));

            public static Tensor softmax(Tensor input, long dim) => new(Native.pt_softmax(input.Handle, dim));

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                new(Native.pt_mse_loss(input.Handle, target.Handle, (int)reduction));

            public static Tensor binary_cross_entropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                new(Native.pt_binary_cross_entropy(input.Handle, target.Handle, (int)reduction));

            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                new(Native.pt_binary_cross_entropy_with_logits(input.Handle, target.Handle, (int)reduction));

            public static Tensor cross_entropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                new(Native.pt_cross_entropy(input.Handle, target.Handle, (int)reduction));
        }

        public static partial class utils
        {
            /// <summary>Scales all gradients together so their global 2-norm is at most max_norm; returns the norm before.</summary>
            public static unsafe double clip_grad_norm_(IEnumerable<Tensor> parameters, double max_norm)
            {
                using var lease = new HandleLease(parameters);
                fixed (IntPtr* pointers = lease.Pointers)
                    return Native.Check(Native.pt_clip_grad_norm(pointers, lease.Pointers.Length, max_norm));
            }

            public static unsafe void clip_grad_value_(IEnumerable<Tensor> parameters, double clip_value)
            {
                using var lease = new HandleLease(parameters);
                fixed (IntPtr* pointers = lease.Pointers)
                    Native.pt_clip_grad_value(pointers, lease.Pointers.Length, clip_value);
                Native.Check();
            }
        }
    }
}
