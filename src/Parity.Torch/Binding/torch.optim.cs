using Parity.Torch.Modules;

namespace Parity.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>libtorch's torch::optim::SGD over the given parameters (kept alive by the optimizer).</summary>
        public static unsafe SGD SGD(IReadOnlyList<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
        {
            using var lease = new HandleLease(parameters);
            fixed (IntPtr* pointers = lease.Pointers)
            {
                var handle = Native.pt_sgd_new(pointers, parameters.Count, lr, momentum, dampening, weight_decay, nesterov ? 1 : 0);
                Native.Check();
                return new SGD(new NativeHandle(handle, Native.pt_sgd_dispose), parameters);
            }
        }

        public static partial class lr_scheduler
        {
            /// <summary>lr·γ every <paramref name="step_size"/> calls to step() (libtorch's StepLR).</summary>
            public static LRScheduler StepLR(SGD optimizer, int step_size, double gamma = 0.1)
            {
                var handle = Native.pt_step_lr_new(optimizer.Handle, step_size, gamma);
                Native.Check();
                return new LRScheduler(new NativeHandle(handle, Native.pt_scheduler_dispose), optimizer);
            }

            /// <summary>lr·γ at every step(): libtorch's StepLR with a step size of one (libtorch 1.13's C++ API has no ExponentialLR).</summary>
            public static LRScheduler ExponentialLR(SGD optimizer, double gamma) => StepLR(optimizer, 1, gamma);
        }
    }
}
