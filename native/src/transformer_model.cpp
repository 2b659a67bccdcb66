// Decoder-only pre-norm transformer in the style of nanoGPT: wte (+ wpe or sinusoids) -> blocks -> ln_f -> head.
#include <torch/version.h>

#include <cmath>
#include <limits>

#include "model.h"

namespace slm {

namespace {

class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(int64_t width, int64_t heads, double dropout) : heads_(heads), dropout_(dropout) {
    qkv = register_module("qkv", torch::nn::Linear(width, 3 * width));
    proj = register_module("proj", torch::nn::Linear(width, width));
  }

  torch::Tensor forward(const torch::Tensor& x) {
    const int64_t B = x.size(0), T = x.size(1), C = x.size(2), hs = C / heads_;
    auto parts = parallel_linear(x, qkv->weight, qkv->bias).split(C, 2);
    auto q = parts[0].view({B, T, heads_, hs}).transpose(1, 2);
    auto k = parts[1].view({B, T, heads_, hs}).transpose(1, 2);
    auto v = parts[2].view({B, T, heads_, hs}).transpose(1, 2);
    const double p = is_training() ? dropout_ : 0.0;
#if TORCH_VERSION_MAJOR >= 2
    auto y = at::scaled_dot_product_attention(q, k, v, {}, p, /*is_causal=*/true);
#else
    auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(hs)));
    auto future = torch::ones({T, T}, x.options().dtype(torch::kBool)).triu(1);
    auto weights = torch::softmax(scores.masked_fill(future, -std::numeric_limits<float>::infinity()), -1);
    auto y = torch::matmul(torch::dropout(weights, p, is_training()), v);
#endif
    return parallel_linear(y.transpose(1, 2).contiguous().view({B, T, C}), proj->weight, proj->bias);
  }

  // Generation: x holds positions start .. start + T - 1; their keys and values go into the caches [B, H, context, hs]
  // and the queries attend to every cached position up to their own.
  torch::Tensor forward_cached(const torch::Tensor& x, torch::Tensor& k_cache, torch::Tensor& v_cache, int64_t start) {
    const int64_t B = x.size(0), T = x.size(1), C = x.size(2), hs = C / heads_;
    auto parts = linear_rows(x, qkv->weight, qkv->bias).split(C, 2);
    auto q = parts[0].view({B, T, heads_, hs}).transpose(1, 2);
    k_cache.narrow(2, start, T).copy_(parts[1].view({B, T, heads_, hs}).transpose(1, 2));
    v_cache.narrow(2, start, T).copy_(parts[2].view({B, T, heads_, hs}).transpose(1, 2));
    const int64_t length = start + T;
    auto keys = k_cache.narrow(2, 0, length), values = v_cache.narrow(2, 0, length);
    auto scores = torch::matmul(q, keys.transpose(-2, -1)).mul_(1.0 / std::sqrt(static_cast<double>(hs)));
    if (T > 1) {  // query i (position start + i) sees keys 0 .. start + i
      auto future = torch::ones({T, length}, x.options().dtype(torch::kBool)).triu(start + 1);
      scores.masked_fill_(future, -std::numeric_limits<float>::infinity());
    }
    auto y = torch::matmul(torch::softmax(scores, -1), values);
    return linear_rows(y.transpose(1, 2).contiguous().view({B, T, C}), proj->weight, proj->bias);
  }

  int64_t heads() const { return heads_; }

  torch::nn::Linear qkv{nullptr}, proj{nullptr};

 private:
  int64_t heads_;
  double dropout_;
};
TORCH_MODULE(Attention);

class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(int64_t width, int64_t ffn) {
    fc = register_module("fc", torch::nn::Linear(width, ffn));
    proj = register_module("proj", torch::nn::Linear(ffn, width));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return parallel_linear(torch::gelu(parallel_linear(x, fc->weight, fc->bias)), proj->weight, proj->bias);
  }
  torch::Tensor forward_rows(const torch::Tensor& x) {  // generation: one row goes through gemv
    return linear_rows(torch::gelu(linear_rows(x, fc->weight, fc->bias)), proj->weight, proj->bias);
  }
  torch::nn::Linear fc{nullptr}, proj{nullptr};
};
TORCH_MODULE(Mlp);

class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(int64_t width, int64_t heads, int64_t ffn, double dropout) {
    ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
    attn = register_module("attn", Attention(width, heads, dropout));
    ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
    mlp = register_module("mlp", Mlp(width, ffn));
    drop = register_module("dropout", torch::nn::Dropout(dropout));
  }
  torch::Tensor forward(torch::Tensor x) {
    x = x + drop(attn(ln1(x)));
    return x + drop(mlp(ln2(x)));
  }
  torch::Tensor forward_cached(torch::Tensor x, torch::Tensor& k_cache, torch::Tensor& v_cache, int64_t start) {
    x = x + drop(attn->forward_cached(ln1(x), k_cache, v_cache, start));
    return x + drop(mlp->forward_rows(ln2(x)));
  }
  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
  Attention attn{nullptr};
  Mlp mlp{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(Block);

torch::Tensor sinusoids(int64_t length, int64_t width) {
  auto position = torch::arange(length, torch::kFloat).unsqueeze(1);
  auto frequency = torch::exp(torch::arange(0, width, 2, torch::kFloat) * (-std::log(10000.0) / width));
  auto table = torch::zeros({length, width});
  table.slice(1, 0, width, 2) = torch::sin(position * frequency);
  table.slice(1, 1, width, 2) = torch::cos(position * frequency.slice(0, 0, width / 2));
  return table;
}

class TransformerModelImpl : public LanguageModelImpl {
 public:
  // Sinusoids have amplitude 1: as in "Attention is all you need", token embeddings are then scaled by
  // sqrt(width) so that they are not drowned by the positions.
  explicit TransformerModelImpl(const slm_model_config& c)
      : context_(c.context_length), token_scale_(c.positional == 1 ? std::sqrt(static_cast<double>(c.hidden_size)) : 1.0) {
    const int64_t width = c.hidden_size, ffn = c.ffn_size > 0 ? c.ffn_size : 4 * width;
    wte = register_module("wte", torch::nn::Embedding(c.vocab_size, width));
    if (c.positional == 0)
      wpe = register_module("wpe", torch::nn::Embedding(c.context_length, width));
    else
      position_table = register_buffer("position_table", sinusoids(c.context_length, width));
    drop = register_module("dropout", torch::nn::Dropout(c.dropout));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int32_t i = 0; i < c.num_layers; ++i) blocks->push_back(Block(width, c.num_heads, ffn, c.dropout));
    ln_f = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
    head = register_module("head", Head(width, c.vocab_size, c.tie_weights != 0));
    initialise(c.num_layers);
  }

  torch::Tensor forward(const torch::Tensor& tokens, RecurrentState*) override {
    const int64_t T = tokens.size(1);
    require(T <= context_, "input of " + std::to_string(T) + " tokens is longer than the context_length " +
                               std::to_string(context_));
    auto positions = wpe ? wpe(torch::arange(T, tokens.options())) : position_table.slice(0, 0, T);
    auto x = drop((token_scale_ != 1.0 ? wte(tokens) * token_scale_ : wte(tokens)) + positions);
    for (const auto& block : *blocks) x = block->as<Block>()->forward(x);
    return head(ln_f(x), wte->weight);
  }

  bool supports_kv_cache() const override { return true; }

  torch::Tensor forward_cached(const torch::Tensor& tokens, KvCache& cache) override {
    const int64_t B = tokens.size(0), T = tokens.size(1), start = cache.length;
    require(start + T <= context_, "cached positions " + std::to_string(start) + " + " + std::to_string(T) +
                                       " exceed the context_length " + std::to_string(context_));
    if (cache.k.empty() || cache.k[0].size(0) != B) {
      cache.clear();
      for (const auto& block : *blocks) {
        auto& attn = block->as<Block>()->attn;
        const int64_t heads = attn->heads(), hs = attn->qkv->options.in_features() / heads;
        cache.k.push_back(torch::empty({B, heads, context_, hs}, wte->weight.options()));
        cache.v.push_back(torch::empty({B, heads, context_, hs}, wte->weight.options()));
      }
    }
    auto positions = wpe ? wpe(torch::arange(start, start + T, tokens.options())) : position_table.slice(0, start, start + T);
    auto x = drop((token_scale_ != 1.0 ? wte(tokens) * token_scale_ : wte(tokens)) + positions);
    size_t layer = 0;
    for (const auto& block : *blocks) {
      x = block->as<Block>()->forward_cached(x, cache.k[layer], cache.v[layer], start);
      ++layer;
    }
    cache.length = start + T;
    return head(ln_f(x.select(1, T - 1)), wte->weight);  // only the last position's logits are needed
  }

 private:
  // nanoGPT: N(0, 0.02) weights, zero biases, residual projections scaled by 1/sqrt(2 * layers).
  void initialise(int32_t layers) {
    torch::NoGradGuard no_grad;
    for (auto& item : named_parameters()) {
      const std::string& name = item.key();
      auto& p = item.value();
      if (p.dim() == 1) {
        if (name.find("ln") == std::string::npos) p.zero_();  // LayerNorms keep ones / zeros
      } else {
        bool residual = name.find(".proj.weight") != std::string::npos;
        p.normal_(0.0, residual ? 0.02 / std::sqrt(2.0 * layers) : 0.02);
      }
    }
  }

  int64_t context_;
  double token_scale_;
  torch::nn::Embedding wte{nullptr}, wpe{nullptr};
  torch::Tensor position_table;
  torch::nn::Dropout drop{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::LayerNorm ln_f{nullptr};
  Head head{nullptr};
};

}  // namespace

std::shared_ptr<LanguageModelImpl> make_transformer_model(const slm_model_config& config) {
  return std::make_shared<TransformerModelImpl>(config);
}

}  // namespace slm
