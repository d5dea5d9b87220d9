// torch.optim.SGD, StepLR, clip_grad_norm_ / clip_grad_value_ and nn.Linear's default init: libtorch's own.
#include <torch/nn/modules/linear.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/schedulers/step_lr.h>
#include <torch/optim/sgd.h>

#include "handles.h"
#include "parity_torch.h"

namespace {
torch::optim::SGD& sgd_of(pt_sgd sgd) {
  parity::check_object(sgd, "optimizer");
  return *static_cast<torch::optim::SGD*>(sgd);
}
}  // namespace

PT_API pt_sgd pt_sgd_new(const pt_tensor* parameters, int32_t count, double lr, double momentum, double dampening, double weight_decay,
                         int32_t nesterov) {
  PT_GUARD(nullptr, {
    auto options = torch::optim::SGDOptions(lr).momentum(momentum).dampening(dampening).weight_decay(weight_decay).nesterov(nesterov != 0);
    auto* sgd = new torch::optim::SGD(parity::tensors_of(parameters, count), options);
    parity::register_object(sgd);
    return sgd;
  });
}

PT_API void pt_sgd_dispose(pt_sgd sgd) {
  PT_GUARD(, {
    auto* optimizer = &sgd_of(sgd);
    parity::release_object(sgd);
    delete optimizer;
  });
}

PT_API void pt_sgd_zero_grad(pt_sgd sgd) { PT_GUARD(, sgd_of(sgd).zero_grad();); }

PT_API void pt_sgd_step(pt_sgd sgd) { PT_GUARD(, sgd_of(sgd).step();); }

PT_API double pt_sgd_get_lr(pt_sgd sgd) {
  PT_GUARD(0.0, return static_cast<torch::optim::SGDOptions&>(sgd_of(sgd).param_groups().at(0).options()).lr(););
}

PT_API pt_scheduler pt_step_lr_new(pt_sgd sgd, int32_t step_size, double gamma) {
  PT_GUARD(nullptr, {
    if (step_size < 1) throw std::invalid_argument("step_size must be >= 1");
    auto* scheduler = new torch::optim::StepLR(sgd_of(sgd), static_cast<unsigned>(step_size), gamma);
    // Python's schedulers take an initial step in their constructor (last_epoch -1 -> 0); libtorch's
    // C++ StepLR does not, and without this first step it decays one epoch later than PyTorch does.
    scheduler->step();
    parity::register_object(scheduler);
    return scheduler;
  });
}

PT_API void pt_scheduler_step(pt_scheduler scheduler) {
  PT_GUARD(, {
    parity::check_object(scheduler, "scheduler");
    static_cast<torch::optim::StepLR*>(scheduler)->step();
  });
}

PT_API void pt_scheduler_dispose(pt_scheduler scheduler) {
  PT_GUARD(, {
    parity::check_object(scheduler, "scheduler");
    parity::release_object(scheduler);
    delete static_cast<torch::optim::StepLR*>(scheduler);
  });
}

PT_API double pt_clip_grad_norm(const pt_tensor* parameters, int32_t count, double max_norm) {
  PT_GUARD(0.0, return torch::nn::utils::clip_grad_norm_(parity::tensors_of(parameters, count), max_norm););
}

PT_API void pt_clip_grad_value(const pt_tensor* parameters, int32_t count, double clip_value) {
  PT_GUARD(, torch::nn::utils::clip_grad_value_(parity::tensors_of(parameters, count), clip_value););
}

PT_API void pt_linear_default_init(int64_t in_features, int64_t out_features, int32_t with_bias, pt_tensor* weight, pt_tensor* bias) {
  PT_GUARD(, {
    if (weight == nullptr || bias == nullptr) throw std::invalid_argument("null output handle");
    torch::nn::Linear linear(torch::nn::LinearOptions(in_features, out_features).bias(with_bias != 0));
    *weight = parity::register_tensor(linear->weight.detach().clone());
    *bias = with_bias != 0 ? parity::register_tensor(linear->bias.detach().clone()) : nullptr;
  });
}
