#include "recurrent_model.h"

#include "recurrent_layer.h"

namespace slm {

RecurrentModelImpl::RecurrentModelImpl(const slm_model_config& config) : config_(config) {
  const int64_t vocab = config.vocab_size, hidden = config.hidden_size;
  const int64_t input = config.embedding_size > 0 ? config.embedding_size : vocab;
  const bool tied = config.tie_weights != 0;
  if (config.embedding_size > 0) {
    embedding = register_module("embedding", torch::nn::Embedding(vocab, config.embedding_size));
    // Tied weights also serve as the output layer, where N(0, 1) would give huge initial logits;
    // this is the range PyTorch's word_language_model example uses.
    if (tied) {
      torch::NoGradGuard no_grad;
      embedding->weight.uniform_(-0.1, 0.1);
    }
  }
  // Dropout between layers only exists with more than one layer (PyTorch warns otherwise).
  const double between = config.num_layers > 1 ? config.dropout : 0.0;
  switch (config.family) {
    case SLM_RNN_TANH:
    case SLM_RNN_RELU: {
      auto options = torch::nn::RNNOptions(input, hidden).num_layers(config.num_layers).dropout(between).batch_first(true);
      if (config.family == SLM_RNN_RELU) options.nonlinearity(torch::kReLU);
      rnn_plain = register_module("rnn", torch::nn::RNN(options));
      break;
    }
    case SLM_GRU:
      rnn_gru = register_module(
          "rnn", torch::nn::GRU(torch::nn::GRUOptions(input, hidden).num_layers(config.num_layers).dropout(between).batch_first(true)));
      break;
    default:
      rnn_lstm = register_module(
          "rnn", torch::nn::LSTM(torch::nn::LSTMOptions(input, hidden).num_layers(config.num_layers).dropout(between).batch_first(true)));
  }
  dropout = register_module("dropout", torch::nn::Dropout(config.dropout));
  head = register_module("head", Head(hidden, vocab, tied));
}

torch::Tensor RecurrentModelImpl::embed(const torch::Tensor& tokens) {
  if (embedding) return dropout(embedding(tokens));
  return torch::one_hot(tokens, config_.vocab_size).to(torch::kFloat);
}

torch::Tensor RecurrentModelImpl::run(const torch::Tensor& x, RecurrentState& state) {
  if (rnn_lstm) {
    c10::optional<std::tuple<torch::Tensor, torch::Tensor>> initial;
    if (!state.empty()) initial = std::make_tuple(state.h, state.c);
    auto [output, final_state] = rnn_lstm(x, initial);
    state.h = std::get<0>(final_state);
    state.c = std::get<1>(final_state);
    return output;
  }
  auto [output, h] = rnn_gru ? rnn_gru(x, state.h) : rnn_plain(x, state.h);
  state.h = h;
  return output;
}

std::vector<torch::Tensor> RecurrentModelImpl::layer_weights() const {
  return rnn_lstm ? rnn_lstm->all_weights() : rnn_gru ? rnn_gru->all_weights() : rnn_plain->all_weights();
}

torch::Tensor RecurrentModelImpl::run_time_major(const torch::Tensor& x, const std::vector<torch::Tensor>& weights,
                                                 RecurrentState& state) {
  const int64_t layers = config_.num_layers, batch = x.size(1), hidden = config_.hidden_size;
  const bool lstm = config_.family == SLM_LSTM;
  auto zeros = [&] { return torch::zeros({batch, hidden}, x.options()); };
  std::vector<torch::Tensor> hs, cs;
  auto input = x;
  for (int64_t l = 0; l < layers; ++l) {
    auto h0 = state.empty() ? zeros() : state.h[l];
    auto c0 = !lstm ? torch::Tensor() : state.empty() ? zeros() : state.c[l];
    auto layer = recurrent_layer(config_.family, input, h0, c0,
                                 {weights[4 * l], weights[4 * l + 1], weights[4 * l + 2], weights[4 * l + 3]});
    hs.push_back(layer.h);
    if (lstm) cs.push_back(layer.c);
    input = layer.output;
    // Between layers, as torch.nn.RNN/GRU/LSTM do (time-major there too, so the masks are drawn in the same order).
    if (l + 1 < layers && config_.dropout > 0) input = torch::dropout(input, config_.dropout, is_training());
  }
  state.h = torch::stack(hs);
  if (lstm) state.c = torch::stack(cs);
  return input;
}

torch::Tensor RecurrentModelImpl::logits(const torch::Tensor& h) {
  return head(dropout(h), embedding ? embedding->weight : torch::Tensor());
}

torch::Tensor RecurrentModelImpl::forward(const torch::Tensor& tokens, RecurrentState* state) {
  RecurrentState local;
  RecurrentState& s = state != nullptr ? *state : local;
  const auto weights = layer_weights();
  if (!weights[0].device().is_cpu()) return logits(run(embed(tokens), s));
  // Embedding the transposed tokens gives the layers their time-major input without a copy.
  return logits(run_time_major(embed(tokens.t()), weights, s).transpose(0, 1).contiguous());
}

std::vector<torch::Tensor> RecurrentModelImpl::top_states(const torch::Tensor& x) {
  const int64_t layers = config_.num_layers, batch = x.size(0);
  const auto weights = layer_weights();
  std::vector<torch::Tensor> h(layers, torch::zeros({batch, config_.hidden_size}, x.options()));
  std::vector<torch::Tensor> c = h;
  std::vector<torch::Tensor> tops;
  for (int64_t t = 0; t < x.size(1); ++t) {
    auto input = x.select(1, t);
    for (int64_t l = 0; l < layers; ++l) {
      const auto &w_ih = weights[4 * l], &w_hh = weights[4 * l + 1], &b_ih = weights[4 * l + 2], &b_hh = weights[4 * l + 3];
      switch (config_.family) {
        case SLM_RNN_TANH: h[l] = torch::rnn_tanh_cell(input, h[l], w_ih, w_hh, b_ih, b_hh); break;
        case SLM_RNN_RELU: h[l] = torch::rnn_relu_cell(input, h[l], w_ih, w_hh, b_ih, b_hh); break;
        case SLM_GRU: h[l] = torch::gru_cell(input, h[l], w_ih, w_hh, b_ih, b_hh); break;
        default: std::tie(h[l], c[l]) = torch::lstm_cell(input, {h[l], c[l]}, w_ih, w_hh, b_ih, b_hh);
      }
      input = h[l];
    }
    tops.push_back(h[layers - 1]);
  }
  return tops;
}

torch::Tensor RecurrentModelImpl::step_one_row(int64_t token, RecurrentState& state) {
  const int64_t layers = config_.num_layers, hidden = config_.hidden_size;
  const auto params = layer_weights();
  const auto options = params[0].options();
  if (state.empty()) {
    state.h = torch::zeros({layers, 1, hidden}, options);
    if (rnn_lstm) state.c = torch::zeros({layers, 1, hidden}, options);
  }
  std::vector<torch::Tensor> hs, cs;
  torch::Tensor x;  // the layer's input vector; layer 0 takes W_ih's column for one-hot input
  for (int64_t l = 0; l < layers; ++l) {
    const auto &w_ih = params[4 * l], &w_hh = params[4 * l + 1], &b_ih = params[4 * l + 2], &b_hh = params[4 * l + 3];
    auto gi = l == 0 && !embedding ? w_ih.select(1, token) + b_ih
                                   : torch::addmv(b_ih, w_ih, l == 0 ? embedding->weight[token] : x);
    auto h = state.h[l][0];
    auto gh = torch::addmv(b_hh, w_hh, h);
    if (rnn_lstm) {
      auto gates = (gi + gh).chunk(4);  // i, f, g, o
      auto c = torch::sigmoid(gates[1]) * state.c[l][0] + torch::sigmoid(gates[0]) * torch::tanh(gates[2]);
      x = torch::sigmoid(gates[3]) * torch::tanh(c);
      cs.push_back(c);
    } else if (rnn_gru) {
      auto i = gi.chunk(3), g = gh.chunk(3);  // r, z, n
      auto r = torch::sigmoid(i[0] + g[0]), z = torch::sigmoid(i[1] + g[1]);
      auto n = torch::tanh(i[2] + r * g[2]);
      x = n + z * (h - n);  // (1 - z) * n + z * h
    } else {
      x = config_.family == SLM_RNN_RELU ? torch::relu(gi + gh) : torch::tanh(gi + gh);
    }
    hs.push_back(x);
  }
  state.h = torch::stack(hs).unsqueeze(1);
  if (rnn_lstm) state.c = torch::stack(cs).unsqueeze(1);
  return head(x.unsqueeze(0), embedding ? embedding->weight : torch::Tensor());
}

std::shared_ptr<LanguageModelImpl> make_recurrent_model(const slm_model_config& config) {
  return std::make_shared<RecurrentModelImpl>(config);
}

}  // namespace slm
