// One optimisation step per call: forward, cross-entropy, backward, gradient norm and clipping, optimizer update.
#include <cmath>

#include "model.h"

namespace slm {

torch::Tensor sequence_loss(const ModelCore& core, const torch::Tensor& logits, const torch::Tensor& targets,
                            torch::nn::functional::CrossEntropyFuncOptions::reduction_t reduction) {
  const int64_t ignore = core.config.ignore_index >= 0 ? core.config.ignore_index : -100;
  return torch::nn::functional::cross_entropy(
      logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(ignore).reduction(reduction));
}

namespace {

// Training mode only for the duration of a step: readers under the shared lock always see evaluation mode.
struct TrainingMode {
  explicit TrainingMode(torch::nn::Module& m) : module(m) { module.train(); }
  ~TrainingMode() { module.eval(); }
  torch::nn::Module& module;
};

void zero_gradients(ModelCore& core) {
  if (core.flat_gradients.defined()) {
    core.flat_gradients.zero_();
    return;
  }
  for (auto& p : core.parameters)
    if (p.tensor.grad().defined()) p.tensor.mutable_grad().zero_();
}

// L2 norm of a flat float buffer: float norms of 4096-value rows, combined in double. One float reduction over the
// whole buffer drifts (measured 3e-4 relative over 5.7M values, 6e-5 over 1.1M), and converting the buffer to double
// first costs a copy (36 ms for 5.7M values); rows of 4096 stay within 1e-7 at the cost of one float pass.
torch::Tensor flat_norm(const torch::Tensor& flat) {
  constexpr int64_t kRow = 4096;
  const int64_t n = flat.numel(), full = n / kRow * kRow;
  auto squares = torch::zeros({}, flat.options().dtype(torch::kDouble));
  if (full > 0) squares += flat.narrow(0, 0, full).view({-1, kRow}).norm(2, 1).to(torch::kDouble).square().sum();
  if (n > full) squares += flat.narrow(0, full, n - full).norm().to(torch::kDouble).square();
  return squares.sqrt().to(torch::kFloat);
}

// The tensors slm_model_last_good copies: the one flat buffer where there is one (a single copy per step), else every
// parameter.
std::vector<torch::Tensor> weights_to_keep(ModelCore& core) {
  if (core.flat_parameters.defined()) return {core.flat_parameters.detach()};
  std::vector<torch::Tensor> tensors;
  for (auto& p : core.parameters) tensors.push_back(p.tensor.detach());
  return tensors;
}

}  // namespace

}  // namespace slm

using namespace slm;

SLM_API int32_t slm_train_step(slm_model* model, const int64_t* inputs, const int64_t* targets, int64_t batch,
                               int64_t steps, const slm_step_options* options, float* loss, float* grad_norm) {
  return guard([&] {
    auto& core = core_of(model);
    std::unique_lock lock(core.mutex);
    require_pointer(options, "options");
    require(core.optimizer.configured(), "no optimizer: call slm_model_set_optimizer before training");
    require(std::isfinite(options->learning_rate) && options->learning_rate >= 0,
            "learning_rate must be finite and >= 0, got " + std::to_string(options->learning_rate));
    auto x = token_tensor(core, inputs, batch, steps, "inputs");
    auto y = token_tensor(core, targets, batch, steps, "targets", true);

    TrainingMode training(*core.net);
    RecurrentState fresh;
    RecurrentState* state = nullptr;
    if (core.recurrent()) {
      state = &fresh;
      if (options->carry_state) {
        if (!core.train_state.empty() && core.train_state.batch() != batch) core.train_state = {};
        state = &core.train_state;
      }
    }
    zero_gradients(core);

    torch::Tensor loss_tensor;
    {
      torch::Tensor logits;
      if (core.config.dropout > 0) {  // dropout is the only draw: seed it for this step, alone on the generator
        std::lock_guard rng(global_rng_mutex());
        torch::manual_seed(options->seed);
        logits = core.net->forward(x, state);
      } else {
        logits = core.net->forward(x, state);
      }
      loss_tensor = sequence_loss(core, logits, y, torch::kMean);
    }  // the backward pass does not read the logits (log-softmax keeps its own output): [B, T, V] freed before it runs
    loss_tensor.backward();
    if (state != nullptr) *state = state->detached();

    torch::NoGradGuard no_grad;
    torch::Tensor total;
    if (core.flat_gradients.defined()) {
      total = flat_norm(core.flat_gradients);
    } else {
      std::vector<torch::Tensor> norms;
      for (auto& p : core.parameters)
        if (p.tensor.grad().defined()) norms.push_back(p.tensor.grad().norm());
      total = torch::stack(norms).norm();
    }
    if (options->clip_norm > 0) {
      auto coefficient = torch::clamp_max(options->clip_norm / (total + 1e-6), 1.0);
      if (core.flat_gradients.defined()) {
        core.flat_gradients.mul_(coefficient);
      } else {
        for (auto& p : core.parameters)
          if (p.tensor.grad().defined()) p.tensor.mutable_grad().mul_(coefficient);
      }
    }

    auto host = torch::stack({loss_tensor.detach(), total}).to(torch::kCPU);  // the one device-to-host read
    const float loss_value = host[0].item<float>(), norm_value = host[1].item<float>();
    if (loss != nullptr) *loss = loss_value;
    if (grad_norm != nullptr) *grad_norm = norm_value;
    if (!std::isfinite(loss_value) || !std::isfinite(norm_value)) {
      zero_gradients(core);
      return;
    }
    if (core.keep_last_good) {  // these weights gave a finite loss and gradient: keep them before updating
      torch::NoGradGuard no_grad;
      const auto current = weights_to_keep(core);
      if (core.last_good.size() != current.size()) {
        core.last_good.clear();
        for (auto& t : current) core.last_good.push_back(t.clone());
      } else {
        for (size_t i = 0; i < current.size(); ++i) core.last_good[i].copy_(current[i]);
      }
    }
    core.optimizer.step(core.parameters, options->learning_rate, core.flat_parameters, core.flat_gradients);
  });
}

SLM_API int32_t slm_model_last_good(slm_model* model, int32_t op, int32_t* restored) {
  return guard([&] {
    auto& core = core_of(model);
    require(op >= 0 && op <= 2, "op must be 0 (stop), 1 (keep) or 2 (restore), got " + std::to_string(op));
    std::unique_lock lock(core.mutex);
    if (restored != nullptr) *restored = 0;
    if (op == 0) {
      core.keep_last_good = false;
      core.last_good.clear();
    } else if (op == 1) {
      core.keep_last_good = true;
      core.last_good.clear();
    } else {
      torch::NoGradGuard no_grad;
      auto current = weights_to_keep(core);
      if (!core.last_good.empty() && core.last_good.size() == current.size()) {
        for (size_t i = 0; i < current.size(); ++i) current[i].copy_(core.last_good[i]);
        if (restored != nullptr) *restored = 1;
      }
    }
  });
}

SLM_API int32_t slm_reset_state(slm_model* model, int32_t which) {
  return guard([&] {
    auto& core = core_of(model);
    require(which >= 1 && which <= 3, "which must be 1 (training), 2 (evaluation) or 3 (both), got " +
                                          std::to_string(which));
    std::unique_lock lock(core.mutex);
    if (which & 1) core.train_state = {};
    if (which & 2) core.eval_state = {};
  });
}

SLM_API int32_t slm_model_train_state_batch(slm_model* model, int64_t* batch) {
  return guard([&] {
    auto& core = core_of(model);
    std::shared_lock lock(core.mutex);
    *require_pointer(batch, "batch") = core.train_state.empty() ? 0 : core.train_state.batch();
  });
}

SLM_API int32_t slm_model_train_state_read(slm_model* model, float* h, float* c, int64_t count) {
  return guard([&] {
    auto& core = core_of(model);
    std::shared_lock lock(core.mutex);
    require(!core.train_state.empty(), "the model has no training state");
    auto copy = [&](const torch::Tensor& t, float* out) {
      require(t.numel() == count, "the training state has " + std::to_string(t.numel()) + " values per tensor, the buffer " +
                                      std::to_string(count));
      torch::from_blob(out, t.sizes(), torch::kFloat).copy_(t.detach());
    };
    copy(core.train_state.h, require_pointer(h, "h"));
    if (core.train_state.c.defined()) copy(core.train_state.c, require_pointer(c, "c"));
  });
}

SLM_API int32_t slm_model_train_state_write(slm_model* model, const float* h, const float* c, int64_t batch, int64_t count) {
  return guard([&] {
    auto& core = core_of(model);
    require(core.recurrent(), "only recurrent models have a training state");
    const int64_t layers = core.config.num_layers, hidden = core.config.hidden_size;
    require(batch >= 1 && count == layers * batch * hidden,
            "a training state of batch " + std::to_string(batch) + " needs layers x batch x hidden = " +
                std::to_string(layers * batch * hidden) + " values per tensor, got " + std::to_string(count));
    std::unique_lock lock(core.mutex);
    auto load = [&](const float* values) {
      return torch::from_blob(const_cast<float*>(values), {layers, batch, hidden}, torch::kFloat).clone().to(core.device);
    };
    core.train_state.h = load(require_pointer(h, "h"));
    core.train_state.c = core.config.family == SLM_LSTM ? load(require_pointer(c, "c")) : torch::Tensor();
  });
}
