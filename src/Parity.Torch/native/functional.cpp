// torch.nn.functional: the ops and losses the spec format names, each libtorch's own.
#include <ATen/ATen.h>

#include "handles.h"
#include "parity_torch.h"

namespace {
int64_t reduction_of(int32_t reduction) {
  if (reduction != at::Reduction::Mean && reduction != at::Reduction::Sum)
    throw std::invalid_argument("reduction must be mean (1) or sum (2), got " + std::to_string(reduction));
  return reduction;
}

template <typename Op>
pt_tensor unary(pt_tensor input, Op op) {
  PT_GUARD(nullptr, return parity::register_tensor(op(parity::tensor_of(input, "input"))););
}
}  // namespace

PT_API pt_tensor pt_linear(pt_tensor input, pt_tensor weight, pt_tensor bias) {
  PT_GUARD(nullptr, {
    c10::optional<at::Tensor> b;
    if (bias != nullptr) b = parity::tensor_of(bias, "bias");
    return parity::register_tensor(at::linear(parity::tensor_of(input, "input"), parity::tensor_of(weight, "weight"), b));
  });
}

PT_API pt_tensor pt_relu(pt_tensor input) { return unary(input, [](const at::Tensor& x) { return at::relu(x); }); }

PT_API pt_tensor pt_leaky_relu(pt_tensor input, double slope) {
  return unary(input, [slope](const at::Tensor& x) { return at::leaky_relu(x, slope); });
}

PT_API pt_tensor pt_tanh(pt_tensor input) { return unary(input, [](const at::Tensor& x) { return at::tanh(x); }); }

PT_API pt_tensor pt_sigmoid(pt_tensor input) { return unary(input, [](const at::Tensor& x) { return at::sigmoid(x); }); }

PT_API pt_tensor pt_softmax(pt_tensor input, int64_t dim) {
  return unary(input, [dim](const at::Tensor& x) { return at::softmax(x, dim); });
}

PT_API pt_tensor pt_mse_loss(pt_tensor input, pt_tensor target, int32_t reduction) {
  PT_GUARD(nullptr, return parity::register_tensor(
                        at::mse_loss(parity::tensor_of(input, "input"), parity::tensor_of(target, "target"), reduction_of(reduction))););
}

PT_API pt_tensor pt_binary_cross_entropy(pt_tensor input, pt_tensor target, int32_t reduction) {
  PT_GUARD(nullptr, return parity::register_tensor(at::binary_cross_entropy(
                        parity::tensor_of(input, "input"), parity::tensor_of(target, "target"), {}, reduction_of(reduction))););
}

PT_API pt_tensor pt_binary_cross_entropy_with_logits(pt_tensor input, pt_tensor target, int32_t reduction) {
  PT_GUARD(nullptr, return parity::register_tensor(at::binary_cross_entropy_with_logits(
                        parity::tensor_of(input, "input"), parity::tensor_of(target, "target"), {}, {}, reduction_of(reduction))););
}

PT_API pt_tensor pt_cross_entropy(pt_tensor input, pt_tensor target, int32_t reduction) {
  PT_GUARD(nullptr, return parity::register_tensor(at::cross_entropy_loss(
                        parity::tensor_of(input, "input"), parity::tensor_of(target, "target"), {}, reduction_of(reduction))););
}
