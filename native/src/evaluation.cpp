// Evaluation: summed losses, raw logits, and the hidden-state gradient diagnostic of recurrent models.
#include <cstring>
#include <mutex>

#include "recurrent_model.h"

using namespace slm;

SLM_API int32_t slm_evaluate_batch(slm_model* model, const int64_t* inputs, const int64_t* targets, int64_t batch,
                                   int64_t steps, int32_t carry_state, double* loss_sum, int64_t* token_count,
                                   double* position_loss, int64_t* position_count) {
  return guard([&] {
    auto& core = core_of(model);
    const bool carry = carry_state != 0 && core.recurrent();
    // Carrying state writes the model's evaluation state, so only that case needs the lock exclusively.
    std::shared_lock<std::shared_mutex> shared(core.mutex, std::defer_lock);
    std::unique_lock<std::shared_mutex> exclusive(core.mutex, std::defer_lock);
    carry ? exclusive.lock() : shared.lock();
    auto x = token_tensor(core, inputs, batch, steps, "inputs");
    auto y = token_tensor(core, targets, batch, steps, "targets", true);
    torch::NoGradGuard no_grad;

    RecurrentState fresh;
    RecurrentState* state = &fresh;
    if (carry) {
      if (!core.eval_state.empty() && core.eval_state.batch() != batch) core.eval_state = {};
      state = &core.eval_state;
    }
    auto losses = sequence_loss(core, core.net->forward(x, state), y, torch::kNone).view({batch, steps});
    auto counted = core.config.ignore_index >= 0 ? (y != core.config.ignore_index) : torch::ones_like(y, torch::kBool);
    auto per_position_loss = losses.to(torch::kDouble).sum(0).cpu();
    auto per_position_count = counted.sum(0).cpu();  // int64
    const double* pl = per_position_loss.data_ptr<double>();
    const int64_t* pc = per_position_count.data_ptr<int64_t>();
    double sum = 0;
    int64_t count = 0;
    for (int64_t t = 0; t < steps; ++t) {
      sum += pl[t];
      count += pc[t];
      if (position_loss != nullptr) position_loss[t] += pl[t];
      if (position_count != nullptr) position_count[t] += pc[t];
    }
    if (loss_sum != nullptr) *loss_sum = sum;
    if (token_count != nullptr) *token_count = count;
  });
}

SLM_API int32_t slm_forward_logits(slm_model* model, const int64_t* inputs, int64_t batch, int64_t steps,
                                   float* logits) {
  return guard([&] {
    auto& core = core_of(model);
    std::shared_lock lock(core.mutex);
    auto x = token_tensor(core, inputs, batch, steps, "inputs");
    require_pointer(logits, "logits");
    torch::NoGradGuard no_grad;
    auto out = core.net->forward(x, nullptr).to(torch::kCPU, torch::kFloat).contiguous();
    std::memcpy(logits, out.data_ptr<float>(), out.numel() * sizeof(float));
  });
}

// norms[t] = Frobenius norm over [batch, hidden] of dL/dh_t, where h_t is the top layer's hidden state after step t
// and L the mean cross-entropy of the last step's predictions, which h_t reaches through the recurrence.
SLM_API int32_t slm_hidden_gradient_norms(slm_model* model, const int64_t* inputs, const int64_t* targets,
                                          int64_t batch, int64_t steps, float* norms) {
  return guard([&] {
    auto& core = core_of(model);
    std::shared_lock lock(core.mutex);
    auto* net = dynamic_cast<RecurrentModelImpl*>(core.net.get());
    require(net != nullptr, "hidden gradient norms exist for recurrent models only, not for transformers");
    auto x = token_tensor(core, inputs, batch, steps, "inputs");
    auto y = token_tensor(core, targets, batch, steps, "targets", true);
    require_pointer(norms, "norms");
    torch::AutoGradMode grad_mode(true);

    auto tops = net->top_states(net->embed(x));
    auto loss = sequence_loss(core, net->logits(tops.back()).unsqueeze(1), y.slice(1, steps - 1, steps), torch::kMean);
    auto grads = torch::autograd::grad({loss}, tops, {}, false, false, true);
    std::vector<torch::Tensor> each;
    for (auto& g : grads) each.push_back(g.defined() ? g.norm() : torch::zeros({}, loss.options()));
    auto host = torch::stack(each).to(torch::kCPU, torch::kFloat).contiguous();
    std::memcpy(norms, host.data_ptr<float>(), steps * sizeof(float));
  });
}
