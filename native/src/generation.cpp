// Generation: prime with the prompts, then sample token by token.
// Recurrent models carry their state. Transformers keep a key/value cache while every row's window has the same length
// (batch 1, equal-length prompts): each new token then costs one position, not a pass over the whole window. When the
// window is full, it slides by a quarter of the context: the rows keep their last 3/4 * context_length tokens and the
// cache is rebuilt from them, so every token is sampled with at least 3/4 of the context before it (always from a
// window that starts at position 0, as in training). Rows of different lengths (prompts of different lengths, until
// they reach the context) re-read each row's last context_length tokens every step instead.
#include <algorithm>
#include <cstring>
#include <numeric>
#include <map>
#include <mutex>

#include "model.h"
#include "recurrent_model.h"
#include "sampling.h"

struct slm_generator {
  std::shared_ptr<slm::ModelCore> core;  // keeps the model alive after slm_model_free
  int64_t batch = 0;
  std::unique_ptr<slm::Sampler> sampler;
  std::vector<float> logits;             // [batch, vocab]: the next-token logits of every row
  std::vector<int64_t> pending;          // sampled tokens not yet fed to the model
  std::vector<uint8_t> finished;
  slm::RecurrentState state;             // recurrent
  std::vector<std::vector<int64_t>> contexts;  // transformer: each row's window
  slm::KvCache cache;                          // transformer: keys/values of the windows when cache.length > 0
};

namespace slm {

namespace {

// Rows grouped by length, so that each group runs as one batch.
std::map<size_t, std::vector<int64_t>> group_by_length(const std::vector<std::vector<int64_t>>& rows) {
  std::map<size_t, std::vector<int64_t>> groups;
  for (int64_t r = 0; r < static_cast<int64_t>(rows.size()); ++r) groups[rows[r].size()].push_back(r);
  return groups;
}

torch::Tensor stack_rows(const std::vector<std::vector<int64_t>>& rows, const std::vector<int64_t>& which,
                         torch::Device device) {
  const int64_t length = static_cast<int64_t>(rows[which[0]].size());
  auto tokens = torch::empty({static_cast<int64_t>(which.size()), length}, torch::kLong);
  for (size_t i = 0; i < which.size(); ++i)
    std::memcpy(tokens.data_ptr<int64_t>() + i * length, rows[which[i]].data(), length * sizeof(int64_t));
  return tokens.to(device);
}

// Copies the last position's logits of a group's rows into the generator's [batch, vocab] buffer.
void store_last_logits(slm_generator& g, const torch::Tensor& logits, const std::vector<int64_t>& which) {
  auto last = logits.select(1, -1).to(torch::kCPU, torch::kFloat).contiguous();
  const int64_t vocab = last.size(1);
  for (size_t i = 0; i < which.size(); ++i)
    std::memcpy(g.logits.data() + which[i] * vocab, last.data_ptr<float>() + i * vocab, vocab * sizeof(float));
}

void store_logits(slm_generator& g, const torch::Tensor& logits) {  // [batch, vocab] of all rows
  auto host = logits.to(torch::kCPU, torch::kFloat).contiguous();
  std::memcpy(g.logits.data(), host.data_ptr<float>(), g.logits.size() * sizeof(float));
}

bool same_lengths(const std::vector<std::vector<int64_t>>& rows) {
  return std::all_of(rows.begin(), rows.end(), [&](const auto& r) { return r.size() == rows[0].size(); });
}

// Transformer: next-token logits of every row from its window; builds the key/value cache when the rows allow it.
void run_contexts(slm_generator& g) {
  auto& net = *g.core->net;
  g.cache.length = 0;
  if (net.supports_kv_cache() && same_lengths(g.contexts)) {
    std::vector<int64_t> all(g.batch);
    std::iota(all.begin(), all.end(), 0);
    store_logits(g, net.forward_cached(stack_rows(g.contexts, all, g.core->device), g.cache));
    return;
  }
  for (const auto& [length, which] : group_by_length(g.contexts))
    store_last_logits(g, net.forward(stack_rows(g.contexts, which, g.core->device), nullptr), which);
}

void prime_recurrent(slm_generator& g, const std::vector<std::vector<int64_t>>& prompts) {
  auto& core = *g.core;
  for (const auto& [length, which] : group_by_length(prompts)) {
    RecurrentState state;
    store_last_logits(g, core.net->forward(stack_rows(prompts, which, core.device), &state), which);
    auto index = torch::tensor(which, torch::kLong).to(core.device);
    if (g.state.empty()) {
      g.state.h = torch::zeros({state.h.size(0), g.batch, state.h.size(2)}, state.h.options());
      if (state.c.defined()) g.state.c = torch::zeros_like(g.state.h);
    }
    g.state.h.index_copy_(1, index, state.h);
    if (state.c.defined()) g.state.c.index_copy_(1, index, state.c);
  }
}

// Feeds the pending tokens to the model and refreshes the next-token logits.
void advance(slm_generator& g) {
  auto& core = *g.core;
  if (core.recurrent() && g.batch == 1) {
    store_logits(g, static_cast<RecurrentModelImpl&>(*core.net).step_one_row(g.pending[0], g.state));
  } else if (core.recurrent()) {
    auto tokens = torch::from_blob(g.pending.data(), {g.batch, 1}, torch::kLong).to(core.device);
    std::vector<int64_t> all(g.batch);
    std::iota(all.begin(), all.end(), 0);
    store_last_logits(g, core.net->forward(tokens, &g.state), all);
  } else {
    const size_t context = static_cast<size_t>(core.config.context_length);
    const bool cached = g.cache.length > 0;  // then every row holds exactly cache.length tokens
    bool full = false;
    for (auto& row : g.contexts) {
      row.push_back(g.pending[static_cast<size_t>(&row - g.contexts.data())]);
      full = full || row.size() > context;
    }
    if (cached && !full) {
      auto tokens = torch::from_blob(g.pending.data(), {g.batch, 1}, torch::kLong).to(core.device);
      store_logits(g, core.net->forward_cached(tokens, g.cache));
    } else {
      const size_t keep = cached ? std::max<size_t>(1, context - context / 4) : context;
      for (auto& row : g.contexts)
        if (row.size() > keep && (cached || row.size() > context)) row.erase(row.begin(), row.end() - keep);
      run_contexts(g);
    }
  }
  g.pending.clear();
}

}  // namespace

}  // namespace slm

using namespace slm;

SLM_API int32_t slm_generator_create(slm_model* model, const int64_t* prompts, const int64_t* lengths, int32_t batch,
                                     const slm_sampling* sampling, const int64_t* banned, int32_t banned_count,
                                     slm_generator** out) {
  return guard([&] {
    require_pointer(out, "out");
    *out = nullptr;
    auto core = require_pointer(model, "model")->core;
    require_pointer(prompts, "prompts");
    require_pointer(lengths, "lengths");
    require_pointer(sampling, "sampling");
    require(batch >= 1, "batch must be >= 1, got " + std::to_string(batch));
    const int64_t vocab = core->config.vocab_size;

    std::vector<bool> is_banned(vocab, false);
    require(banned_count >= 0 && (banned_count == 0 || banned != nullptr), "banned must hold banned_count tokens");
    for (int32_t i = 0; i < banned_count; ++i) {
      require(banned[i] >= 0 && banned[i] < vocab, "banned token id " + std::to_string(banned[i]) +
                                                         " is outside the vocabulary [0, " + std::to_string(vocab) + ")");
      is_banned[banned[i]] = true;
    }
    require(std::find(is_banned.begin(), is_banned.end(), false) != is_banned.end(),
            "every token of the vocabulary is banned");

    std::vector<std::vector<int64_t>> rows(batch);
    const int64_t* next = prompts;
    for (int32_t r = 0; r < batch; ++r) {
      require(lengths[r] >= 1, "prompt " + std::to_string(r) + " is empty; every prompt needs at least one token");
      token_tensor(*core, next, 1, lengths[r], "prompts");  // range check only
      rows[r].assign(next, next + lengths[r]);
      next += lengths[r];
    }

    auto g = std::make_unique<slm_generator>();
    g->core = core;
    g->batch = batch;
    g->sampler = std::make_unique<Sampler>(*sampling, std::move(is_banned));
    g->logits.assign(batch * vocab, 0.0f);
    g->finished.assign(batch, 0);

    std::shared_lock lock(core->mutex);
    c10::InferenceMode inference;
    if (core->recurrent()) {
      prime_recurrent(*g, rows);
    } else {
      const size_t context = static_cast<size_t>(core->config.context_length);
      for (auto& row : rows)
        if (row.size() > context) row.erase(row.begin(), row.end() - context);
      g->contexts = std::move(rows);
      run_contexts(*g);
    }
    *out = g.release();
  });
}

SLM_API void slm_generator_free(slm_generator* generator) { delete generator; }

SLM_API int32_t slm_generator_next(slm_generator* generator, int32_t count, int64_t stop_token, int64_t* tokens,
                                   uint8_t* finished) {
  return guard([&] {
    auto& g = *require_pointer(generator, "generator");
    require(count >= 0, "count must be >= 0, got " + std::to_string(count));
    require(count == 0 || tokens != nullptr, "tokens must not be null");
    const int64_t vocab = g.core->config.vocab_size;
    require(stop_token < vocab, "stop_token " + std::to_string(stop_token) + " is outside the vocabulary [0, " +
                                    std::to_string(vocab) + ")");
    std::shared_lock lock(g.core->mutex);
    c10::InferenceMode inference;
    for (int32_t step = 0; step < count; ++step) {
      int64_t* out = tokens + static_cast<int64_t>(step) * g.batch;
      const bool all_finished = std::all_of(g.finished.begin(), g.finished.end(), [](uint8_t f) { return f != 0; });
      if (all_finished) {
        std::fill(out, out + g.batch, stop_token);
        continue;
      }
      if (!g.pending.empty()) advance(g);
      for (int64_t r = 0; r < g.batch; ++r) {
        out[r] = g.finished[r] ? stop_token : g.sampler->sample(g.logits.data() + r * vocab);
        if (stop_token >= 0 && out[r] == stop_token) g.finished[r] = 1;
      }
      g.pending.assign(out, out + g.batch);
    }
    if (finished != nullptr) std::memcpy(finished, g.finished.data(), g.batch);
  });
}
