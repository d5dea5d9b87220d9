// Tensors: creation from and copies to host buffers, their properties, autograd basics, settings.
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/generated/variable_factories.h>
#include <torch/utils.h>

#include "handles.h"
#include "parity_torch.h"

namespace {
std::vector<int64_t> shape_of(const int64_t* shape, int32_t ndim) {
  if (ndim < 0 || ndim > 8 || (ndim > 0 && shape == nullptr)) throw std::invalid_argument("invalid shape");
  std::vector<int64_t> sizes(shape, shape + ndim);
  for (auto size : sizes)
    if (size < 0) throw std::invalid_argument("negative size in shape");
  return sizes;
}

at::ScalarType floating_type(int32_t dtype) {
  if (dtype != static_cast<int32_t>(at::kFloat) && dtype != static_cast<int32_t>(at::kDouble))
    throw std::invalid_argument("dtype must be float32 (6) or float64 (7), got " + std::to_string(dtype));
  return static_cast<at::ScalarType>(dtype);
}
}  // namespace

PT_API void pt_manual_seed(int64_t seed) { PT_GUARD(, torch::manual_seed(static_cast<uint64_t>(seed));); }

PT_API void pt_set_num_threads(int32_t threads) {
  PT_GUARD(, if (threads < 1) throw std::invalid_argument("thread count must be >= 1"); at::set_num_threads(threads););
}

PT_API int32_t pt_get_num_threads() { PT_GUARD(0, return at::get_num_threads();); }

PT_API void pt_set_grad_enabled(int32_t enabled) { PT_GUARD(, at::GradMode::set_enabled(enabled != 0);); }

PT_API int32_t pt_is_grad_enabled() { PT_GUARD(-1, return at::GradMode::is_enabled() ? 1 : 0;); }

PT_API pt_tensor pt_tensor_from_doubles(const double* data, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t requires_grad) {
  PT_GUARD(nullptr, {
    auto sizes = shape_of(shape, ndim);
    auto type = floating_type(dtype);
    auto host = at::from_blob(const_cast<double*>(data), sizes, at::kDouble);
    if (data == nullptr && host.numel() > 0) throw std::invalid_argument("null data for a non-empty tensor");
    auto tensor = host.to(type).clone();
    tensor.set_requires_grad(requires_grad != 0);
    return parity::register_tensor(tensor);
  });
}

PT_API pt_tensor pt_tensor_from_int64(const int64_t* data, const int64_t* shape, int32_t ndim) {
  PT_GUARD(nullptr, {
    auto sizes = shape_of(shape, ndim);
    auto host = at::from_blob(const_cast<int64_t*>(data), sizes, at::kLong);
    if (data == nullptr && host.numel() > 0) throw std::invalid_argument("null data for a non-empty tensor");
    return parity::register_tensor(host.clone());
  });
}

PT_API void pt_tensor_dispose(pt_tensor tensor) { PT_GUARD(, parity::release_tensor(tensor);); }

PT_API int32_t pt_tensor_dtype(pt_tensor tensor) { PT_GUARD(-1, return static_cast<int32_t>(parity::tensor_of(tensor).scalar_type());); }

PT_API int32_t pt_tensor_ndim(pt_tensor tensor) { PT_GUARD(-1, return static_cast<int32_t>(parity::tensor_of(tensor).dim());); }

PT_API int64_t pt_tensor_size(pt_tensor tensor, int32_t dim) { PT_GUARD(-1, return parity::tensor_of(tensor).size(dim);); }

PT_API int64_t pt_tensor_numel(pt_tensor tensor) { PT_GUARD(-1, return parity::tensor_of(tensor).numel();); }

PT_API void pt_tensor_to_doubles(pt_tensor tensor, double* buffer, int64_t count) {
  PT_GUARD(, {
    auto values = parity::tensor_of(tensor).detach().to(at::kDouble).contiguous();
    if (count != values.numel())
      throw std::invalid_argument("buffer holds " + std::to_string(count) + " values, the tensor " + std::to_string(values.numel()));
    if (count > 0 && buffer == nullptr) throw std::invalid_argument("null buffer");
    std::memcpy(buffer, values.data_ptr<double>(), sizeof(double) * static_cast<size_t>(count));
  });
}

PT_API void pt_tensor_copy_from_doubles(pt_tensor tensor, const double* data, int64_t count) {
  PT_GUARD(, {
    auto& target = parity::tensor_of(tensor);
    if (count != target.numel())
      throw std::invalid_argument("got " + std::to_string(count) + " values for a tensor of " + std::to_string(target.numel()));
    if (count > 0 && data == nullptr) throw std::invalid_argument("null data");
    at::NoGradGuard no_grad;
    target.copy_(at::from_blob(const_cast<double*>(data), target.sizes(), at::kDouble));
  });
}

PT_API double pt_tensor_item(pt_tensor tensor) { PT_GUARD(0.0, return parity::tensor_of(tensor).item<double>();); }

PT_API pt_tensor pt_tensor_grad(pt_tensor tensor) {
  PT_GUARD(nullptr, {
    const auto& grad = parity::tensor_of(tensor).grad();
    return grad.defined() ? parity::register_tensor(grad) : nullptr;
  });
}

PT_API void pt_tensor_backward(pt_tensor tensor) { PT_GUARD(, parity::tensor_of(tensor).backward();); }

PT_API void pt_tensor_retain_grad(pt_tensor tensor) { PT_GUARD(, parity::tensor_of(tensor).retain_grad();); }

PT_API pt_tensor pt_tensor_detach(pt_tensor tensor) { PT_GUARD(nullptr, return parity::register_tensor(parity::tensor_of(tensor).detach().clone());); }
