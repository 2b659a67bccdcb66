#include "optimizer.h"

#include <cmath>

#include "errors.h"
#include "model.h"

namespace slm {

namespace {

void validate(const slm_optimizer_config& c) {
  require(c.type >= SLM_SGD && c.type <= SLM_ADAMW, "optimizer type must be 0 (SGD), 1 (Adam) or 2 (AdamW), got " +
                                                        std::to_string(c.type));
  require(c.weight_decay >= 0 && std::isfinite(c.weight_decay), "optimizer weight_decay must be >= 0");
  if (c.type == SLM_SGD) {
    require(c.momentum >= 0 && c.momentum < 1, "optimizer momentum must be in [0, 1)");
  } else {
    require(c.beta1 >= 0 && c.beta1 < 1, "optimizer beta1 must be in [0, 1)");
    require(c.beta2 >= 0 && c.beta2 < 1, "optimizer beta2 must be in [0, 1)");
    require(c.eps > 0 && std::isfinite(c.eps), "optimizer eps must be > 0");
  }
}

}  // namespace

void Optimizer::configure(const slm_optimizer_config& config) {
  validate(config);
  if (!configured_ || config.type != config_.type) {
    state.clear();
    steps = 0;
  }
  config_ = config;
  configured_ = true;
}

void Optimizer::ensure_state(const std::vector<NamedTensor>& parameters, const torch::Tensor& flat_parameters) {
  std::vector<std::string> prefixes;
  if (config_.type == SLM_SGD) {
    if (config_.momentum > 0) prefixes = {"momentum."};
  } else {
    prefixes = {"exp_avg.", "exp_avg_sq."};
  }
  if (state.size() == prefixes.size() * parameters.size() && flat_state_.size() == (flat_parameters.defined() ? prefixes.size() : 0))
    return;
  state.clear();
  flat_state_.clear();
  torch::NoGradGuard no_grad;
  if (flat_parameters.defined()) {
    for (size_t k = 0; k < prefixes.size(); ++k) flat_state_.push_back(torch::zeros_like(flat_parameters));
    int64_t offset = 0;
    for (const auto& p : parameters) {
      const int64_t n = p.tensor.numel();
      for (size_t k = 0; k < prefixes.size(); ++k)
        state.push_back({prefixes[k] + p.name, flat_state_[k].narrow(0, offset, n).view(p.tensor.sizes())});
      offset += n;
    }
    return;
  }
  for (const auto& p : parameters)
    for (const auto& prefix : prefixes) state.push_back({prefix + p.name, torch::zeros_like(p.tensor)});
}

constexpr int64_t kAdamChunk = int64_t{1} << 20;

// The per-parameter formulas below, applied once to the whole flat buffer.
void Optimizer::step_flat(const torch::Tensor& p, const torch::Tensor& g, float lr) {
  const double wd = config_.weight_decay;
  auto grad = g;
  if (config_.type == SLM_SGD) {
    if (wd != 0) grad = grad.add(p, wd);
    if (config_.momentum > 0) {
      flat_state_[0].mul_(config_.momentum).add_(grad);
      grad = flat_state_[0];
    }
    p.add_(grad, -lr);
    return;
  }
  const double beta1 = config_.beta1, beta2 = config_.beta2;
  const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(steps));
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, static_cast<double>(steps)));
  if (wd != 0) {
    if (config_.type == SLM_ADAMW)
      p.mul_(1 - lr * wd);
    else
      grad = grad.add(p, wd);
  }
  auto& exp_avg = flat_state_[0];
  auto& exp_avg_sq = flat_state_[1];
  exp_avg.mul_(beta1).add_(grad, 1 - beta1);
  exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  // The denominator goes through a scratch buffer of at most kAdamChunk values, chunk by chunk, rather than one the
  // size of the model: a whole-model scratch buffer is one more copy of the weights held for the whole run.
  const int64_t n = p.numel(), chunk = std::min(n, kAdamChunk);
  if (!scratch_.defined() || scratch_.numel() != chunk) scratch_ = torch::empty({chunk}, p.options());
  for (int64_t start = 0; start < n; start += chunk) {
    const int64_t size = std::min(chunk, n - start);
    auto denominator = scratch_.narrow(0, 0, size);
    torch::sqrt_out(denominator, exp_avg_sq.narrow(0, start, size)).div_(bias_correction2_sqrt).add_(config_.eps);
    p.narrow(0, start, size).addcdiv_(exp_avg.narrow(0, start, size), denominator, -lr / bias_correction1);
  }
}

void Optimizer::step(const std::vector<NamedTensor>& parameters, float lr, const torch::Tensor& flat_parameters,
                     const torch::Tensor& flat_gradients) {
  if (!configured_) fail(SLM_INVALID_ARGUMENT, "no optimizer: call slm_model_set_optimizer before training");
  torch::NoGradGuard no_grad;
  ensure_state(parameters, flat_parameters);
  ++steps;
  if (flat_parameters.defined() && flat_gradients.defined()) {
    step_flat(flat_parameters, flat_gradients, lr);
    return;
  }
  const double wd = config_.weight_decay;
  if (config_.type == SLM_SGD) {
    for (size_t i = 0; i < parameters.size(); ++i) {
      auto p = parameters[i].tensor;
      if (!p.grad().defined()) continue;
      auto d_p = wd != 0 ? p.grad().add(p, wd) : p.grad();
      if (config_.momentum > 0) {
        // torch.optim.SGD starts the buffer as a copy of the first gradient; a zero buffer gives the same result.
        auto& buffer = state[i].tensor;
        buffer.mul_(config_.momentum).add_(d_p);
        d_p = buffer;
      }
      p.add_(d_p, -lr);
    }
    return;
  }
  const double beta1 = config_.beta1, beta2 = config_.beta2;
  const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(steps));
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, static_cast<double>(steps)));
  const double step_size = lr / bias_correction1;
  for (size_t i = 0; i < parameters.size(); ++i) {
    auto p = parameters[i].tensor;
    if (!p.grad().defined()) continue;
    auto grad = p.grad();
    if (wd != 0) {
      if (config_.type == SLM_ADAMW)
        p.mul_(1 - lr * wd);
      else
        grad = grad.add(p, wd);
    }
    auto& exp_avg = state[2 * i].tensor;
    auto& exp_avg_sq = state[2 * i + 1].tensor;
    exp_avg.mul_(beta1).add_(grad, 1 - beta1);
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    auto denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(config_.eps);
    p.addcdiv_(exp_avg, denom, -step_size);
  }
}

}  // namespace slm

using namespace slm;

SLM_API int32_t slm_model_set_optimizer(slm_model* model, const slm_optimizer_config* config) {
  return guard([&] {
    auto& core = core_of(model);
    std::unique_lock lock(core.mutex);
    core.optimizer.configure(*require_pointer(config, "config"));
  });
}

SLM_API int32_t slm_model_optimizer_steps(slm_model* model, int64_t* steps) {
  return guard([&] {
    auto& core = core_of(model);
    std::shared_lock lock(core.mutex);
    *require_pointer(steps, "steps") = core.optimizer.steps;
  });
}

SLM_API int32_t slm_model_set_optimizer_steps(slm_model* model, int64_t steps) {
  return guard([&] {
    auto& core = core_of(model);
    std::unique_lock lock(core.mutex);
    require(steps >= 0, "optimizer steps must be >= 0, got " + std::to_string(steps));
    require(core.optimizer.configured(), "no optimizer: call slm_model_set_optimizer before setting its steps");
    core.optimizer.steps = steps;
    // A resumed run writes the saved state next, so the state tensors must exist.
    if (steps > 0) core.optimizer.ensure_state(core.parameters, core.flat_parameters);
  });
}
