// The C ABI Parity's managed binding calls, over libtorch's C++ API (as TorchSharp's LibTorchSharp
// does). Every entry point catches every C++ exception: on failure it returns a zero/null result and
// leaves libtorch's message in pt_last_error() for the calling thread. Handles are checked against
// the set of live ones, so a stale or foreign handle is an error, never a crash.
#pragma once
#include <stdint.h>

#define PT_API extern "C" __attribute__((visibility("default")))

typedef void* pt_tensor;
typedef void* pt_sgd;
typedef void* pt_scheduler;

// Errors and process-wide settings.
PT_API const char* pt_last_error();
PT_API int64_t pt_live_tensors();
PT_API void pt_manual_seed(int64_t seed);
PT_API void pt_set_num_threads(int32_t threads);
PT_API int32_t pt_get_num_threads();
PT_API void pt_set_grad_enabled(int32_t enabled);
PT_API int32_t pt_is_grad_enabled();

// Tensors. dtype is c10::ScalarType: 4 int64, 6 float32, 7 float64.
PT_API pt_tensor pt_tensor_from_doubles(const double* data, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t requires_grad);
PT_API pt_tensor pt_tensor_from_int64(const int64_t* data, const int64_t* shape, int32_t ndim);
PT_API void pt_tensor_dispose(pt_tensor tensor);
PT_API int32_t pt_tensor_dtype(pt_tensor tensor);
PT_API int32_t pt_tensor_ndim(pt_tensor tensor);
PT_API int64_t pt_tensor_size(pt_tensor tensor, int32_t dim);
PT_API int64_t pt_tensor_numel(pt_tensor tensor);
PT_API void pt_tensor_to_doubles(pt_tensor tensor, double* buffer, int64_t count);
PT_API double pt_tensor_item(pt_tensor tensor);
PT_API pt_tensor pt_tensor_grad(pt_tensor tensor);
PT_API void pt_tensor_backward(pt_tensor tensor);
PT_API void pt_tensor_retain_grad(pt_tensor tensor);
PT_API pt_tensor pt_tensor_detach(pt_tensor tensor);
PT_API void pt_tensor_copy_from_doubles(pt_tensor tensor, const double* data, int64_t count);

// torch.nn.functional. reduction is at::Reduction: 1 mean, 2 sum. bias may be null.
PT_API pt_tensor pt_linear(pt_tensor input, pt_tensor weight, pt_tensor bias);
PT_API pt_tensor pt_relu(pt_tensor input);
PT_API pt_tensor pt_leaky_relu(pt_tensor input, double slope);
PT_API pt_tensor pt_tanh(pt_tensor input);
PT_API pt_tensor pt_sigmoid(pt_tensor input);
PT_API pt_tensor pt_softmax(pt_tensor input, int64_t dim);
PT_API pt_tensor pt_mse_loss(pt_tensor input, pt_tensor target, int32_t reduction);
PT_API pt_tensor pt_binary_cross_entropy(pt_tensor input, pt_tensor target, int32_t reduction);
PT_API pt_tensor pt_binary_cross_entropy_with_logits(pt_tensor input, pt_tensor target, int32_t reduction);
PT_API pt_tensor pt_cross_entropy(pt_tensor input, pt_tensor target, int32_t reduction);

// nn.Linear's own default initialisation (from libtorch's generator): fills weight [out, in] and bias [out] handles.
PT_API void pt_linear_default_init(int64_t in_features, int64_t out_features, int32_t with_bias, pt_tensor* weight, pt_tensor* bias);

// torch.optim.SGD, its learning-rate schedulers and torch.nn.utils' clipping.
PT_API pt_sgd pt_sgd_new(const pt_tensor* parameters, int32_t count, double lr, double momentum, double dampening, double weight_decay, int32_t nesterov);
PT_API void pt_sgd_dispose(pt_sgd sgd);
PT_API void pt_sgd_zero_grad(pt_sgd sgd);
PT_API void pt_sgd_step(pt_sgd sgd);
PT_API double pt_sgd_get_lr(pt_sgd sgd);
PT_API pt_scheduler pt_step_lr_new(pt_sgd sgd, int32_t step_size, double gamma);
PT_API void pt_scheduler_step(pt_scheduler scheduler);
PT_API void pt_scheduler_dispose(pt_scheduler scheduler);
PT_API double pt_clip_grad_norm(const pt_tensor* parameters, int32_t count, double max_norm);
PT_API void pt_clip_grad_value(const pt_tensor* parameters, int32_t count, double clip_value);
