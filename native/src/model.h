// Internal model types shared by the C ABI files.
#pragma once
#include <torch/torch.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "errors.h"
#include "optimizer.h"
#include "parallel_matmul.h"
#include "sequencelm.h"

namespace slm {

// Recurrent state between calls; an undefined h means zeros. c is used by LSTMs only.
struct RecurrentState {
  torch::Tensor h, c;
  bool empty() const { return !h.defined(); }
  int64_t batch() const { return h.size(1); }
  RecurrentState detached() const { return {h.defined() ? h.detach() : h, c.defined() ? c.detach() : c}; }
};

// Keys and values of every transformer layer for the positions seen so far (generation): k[l], v[l] are
// [B, heads, context, head size], filled up to `length`.
struct KvCache {
  std::vector<torch::Tensor> k, v;
  int64_t length = 0;
  void clear() { k.clear(); v.clear(); length = 0; }
};

// A language model: tokens [B, T] -> logits [B, T, V].
class LanguageModelImpl : public torch::nn::Module {
 public:
  // state (recurrent models only, may be null) gives the initial state and receives the final one.
  virtual torch::Tensor forward(const torch::Tensor& tokens, RecurrentState* state) = 0;
  // Transformers: runs tokens [B, n] at positions cache.length .. cache.length + n - 1, attending to the cached keys
  // and values, appends theirs, and returns the last position's logits [B, V]. Others: not supported.
  virtual bool supports_kv_cache() const { return false; }
  virtual torch::Tensor forward_cached(const torch::Tensor& tokens, KvCache& cache) {
    fail(SLM_ERROR, "this model family has no key/value cache");
  }
};

// x [..., in] times weight [out, in] transposed, plus bias. A single row goes through a matrix-vector product: OpenBLAS's
// gemv is several times faster than the one-row gemm that linear() calls (measured 67 us vs 386 us for 2048x512).
inline torch::Tensor linear_rows(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (x.dim() >= 1 && x.numel() == x.size(-1)) {
    auto sizes = x.sizes().vec();
    sizes.back() = weight.size(0);
    auto row = x.reshape({-1});
    return (bias.defined() ? torch::addmv(bias, weight, row) : torch::mv(weight, row)).view(sizes);
  }
  return parallel_linear(x, weight, bias);
}

// Output layer: head.weight [V, H] (absent when tied) and head.bias [V].
class HeadImpl : public torch::nn::Module {
 public:
  HeadImpl(int64_t in, int64_t vocab, bool tied);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tied_weight);
  torch::Tensor weight, bias;
};
TORCH_MODULE(Head);

std::shared_ptr<LanguageModelImpl> make_recurrent_model(const slm_model_config& config);
std::shared_ptr<LanguageModelImpl> make_transformer_model(const slm_model_config& config);

// Everything a model handle owns; generators share it so that freeing the handle first is safe.
struct ModelCore {
  slm_model_config config{};
  torch::Device device{torch::kCPU};
  std::shared_ptr<LanguageModelImpl> net;
  std::vector<NamedTensor> parameters;  // named_parameters() order, PyTorch names
  // CPU: every parameter (and its gradient) is a view into one flat buffer, so that zeroing, the gradient norm,
  // clipping and the optimizer update are a handful of whole-model tensor operations instead of several per
  // parameter. Undefined on CUDA, where cuDNN's RNNs keep their own weight layout.
  torch::Tensor flat_parameters, flat_gradients;
  Optimizer optimizer;
  RecurrentState train_state, eval_state;
  bool keep_last_good = false;             // slm_model_last_good: copy the weights of each successful step
  std::vector<torch::Tensor> last_good;    // the weights the last finite-loss step was computed with
  std::shared_mutex mutex;  // exclusive: training, writes; shared: evaluation, generation, reads

  bool recurrent() const { return config.family != SLM_TRANSFORMER; }
};

// libtorch's default generator is process-wide: seeding it and drawing from it (initialisation, dropout) happen under
// this lock, so that models trained at the same time on several threads each get the numbers their seed promises.
std::mutex& global_rng_mutex();

// Checks a token buffer (ids in [0, vocab), or equal to ignore_index when allow_ignore) and returns it as a tensor
// [batch, steps] on the model's device.
torch::Tensor token_tensor(const ModelCore& core, const int64_t* tokens, int64_t batch, int64_t steps,
                           const char* what, bool allow_ignore = false);

}  // namespace slm

struct slm_model {
  std::shared_ptr<slm::ModelCore> core;
};

namespace slm {
inline ModelCore& core_of(slm_model* model) { return *require_pointer(model, "model")->core; }
}  // namespace slm

namespace slm {
// Cross-entropy over [B, T, V] logits and [B, T] targets, skipping ignore_index (training.cpp).
torch::Tensor sequence_loss(const ModelCore& core, const torch::Tensor& logits, const torch::Tensor& targets,
                            torch::nn::functional::CrossEntropyFuncOptions::reduction_t reduction);
}  // namespace slm
