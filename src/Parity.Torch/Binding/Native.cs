using System.Runtime.InteropServices;

namespace Parity.Torch;

/// <summary>
/// The entry points of the C++ shim (native/parity_torch.h). Every call is followed by
/// <see cref="Check"/>, which turns the thread's last libtorch error into a <see cref="TorchException"/>.
/// </summary>
internal static partial class Native
{
    const string Library = "parity_torch";

    internal static void Check()
    {
        var error = pt_last_error();
        if (error != IntPtr.Zero)
            throw new TorchException(Marshal.PtrToStringUTF8(error) ?? "libtorch failed");
    }

    internal static T Check<T>(T result)
    {
        Check();
        return result;
    }

    [LibraryImport(Library)] internal static partial IntPtr pt_last_error();
    [LibraryImport(Library)] internal static partial long pt_live_tensors();
    [LibraryImport(Library)] internal static partial void pt_manual_seed(long seed);
    [LibraryImport(Library)] internal static partial void pt_set_num_threads(int threads);
    [LibraryImport(Library)] internal static partial int pt_get_num_threads();
    [LibraryImport(Library)] internal static partial void pt_set_grad_enabled(int enabled);
    [LibraryImport(Library)] internal static partial int pt_is_grad_enabled();

    [LibraryImport(Library)] internal static unsafe partial IntPtr pt_tensor_from_doubles(double* data, long* shape, int ndim, int dtype, int requiresGrad);
    [LibraryImport(Library)] internal static unsafe partial IntPtr pt_tensor_from_int64(long* data, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial void pt_tensor_dispose(IntPtr tensor);
    [LibraryImport(Library)] internal static partial int pt_tensor_dtype(NativeHandle tensor);
    [LibraryImport(Library)] internal static partial int pt_tensor_ndim(NativeHandle tensor);
    [LibraryImport(Library)] internal static partial long pt_tensor_size(NativeHandle tensor, int dim);
    [LibraryImport(Library)] internal static partial long pt_tensor_numel(NativeHandle tensor);
    [LibraryImport(Library)] internal static unsafe partial void pt_tensor_to_doubles(NativeHandle tensor, double* buffer, long count);
    [LibraryImport(Library)] internal static unsafe partial void pt_tensor_copy_from_doubles(NativeHandle tensor, double* data, long count);
    [LibraryImport(Library)] internal static partial double pt_tensor_item(NativeHandle tensor);
    [LibraryImport(Library)] internal static partial IntPtr pt_tensor_grad(NativeHandle tensor);
    [LibraryImport(Library)] internal static partial void pt_tensor_backward(NativeHandle tensor);
    [LibraryImport(Library)] internal static partial void pt_tensor_retain_grad(NativeHandle tensor);
    [LibraryImport(Library)] internal static partial IntPtr pt_tensor_detach(NativeHandle tensor);

    [LibraryImport(Library)] internal static partial IntPtr pt_linear(NativeHandle input, NativeHandle weight, IntPtr bias);
    [LibraryImport(Library)] internal static partial IntPtr pt_relu(NativeHandle input);
    [LibraryImport(Library)] internal static partial IntPtr pt_leaky_relu(NativeHandle input, double slope);
    [LibraryImport(Library)] internal static partial IntPtr pt_tanh(NativeHandle input);
    [LibraryImport(Library)] internal static partial IntPtr pt_sigmoid(NativeHandle input);
    [LibraryImport(Library)] internal static partial IntPtr pt_softmax(NativeHandle input, long dim);
    [LibraryImport(Library)] internal static partial IntPtr pt_mse_loss(NativeHandle input, NativeHandle target, int reduction);
    [LibraryImport(Library)] internal static partial IntPtr pt_binary_cross_entropy(NativeHandle input, NativeHandle target, int reduction);
    [LibraryImport(Library)] internal static partial IntPtr pt_binary_cross_entropy_with_logits(NativeHandle input, NativeHandle target, int reduction);
    [LibraryImport(Library)] internal static partial IntPtr pt_cross_entropy(NativeHandle input, NativeHandle target, int reduction);
    [LibraryImport(Library)] internal static partial void pt_linear_default_init(long inFeatures, long outFeatures, int withBias, out IntPtr weight, out IntPtr bias);

    [LibraryImport(Library)] internal static unsafe partial IntPtr pt_sgd_new(IntPtr* parameters, int count, double lr, double momentum, double dampening, double weightDecay, int nesterov);
    [LibraryImport(Library)] internal static partial void pt_sgd_dispose(IntPtr sgd);
    [LibraryImport(Library)] internal static partial void pt_sgd_zero_grad(NativeHandle sgd);
    [LibraryImport(Library)] internal static partial void pt_sgd_step(NativeHandle sgd);
    [LibraryImport(Library)] internal static partial double pt_sgd_get_lr(NativeHandle sgd);
    [LibraryImport(Library)] internal static partial IntPtr pt_step_lr_new(NativeHandle sgd, int stepSize, double gamma);
    [LibraryImport(Library)] internal static partial void pt_scheduler_step(NativeHandle scheduler);
    [LibraryImport(Library)] internal static partial void pt_scheduler_dispose(IntPtr scheduler);
    [LibraryImport(Library)] internal static unsafe partial double pt_clip_grad_norm(IntPtr* parameters, int count, double maxNorm);
    [LibraryImport(Library)] internal static unsafe partial void pt_clip_grad_value(IntPtr* parameters, int count, double clipValue);
}
