#include "recurrent_model.h"

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

torch::Tensor RecurrentModelImpl::logits(const torch::Tensor& h) {
  return head(dropout(h), embedding ? embedding->weight : torch::Tensor());
}

torch::Tensor RecurrentModelImpl::forward(const torch::Tensor& tokens, RecurrentState* state) {
  RecurrentState local;
  RecurrentState& s = state != nullptr ? *state : local;
  return logits(run(embed(tokens), s));
}

std::vector<torch::Tensor> RecurrentModelImpl::top_states(const torch::Tensor& x) {
  const int64_t layers = config_.num_layers, batch = x.size(0);
  auto parameters = named_parameters();
  auto weight = [&](const char* kind, int64_t layer) { return parameters["rnn." + std::string(kind) + std::to_string(layer)]; };
  std::vector<torch::Tensor> h(layers, torch::zeros({batch, config_.hidden_size}, x.options()));
  std::vector<torch::Tensor> c = h;
  std::vector<torch::Tensor> tops;
  for (int64_t t = 0; t < x.size(1); ++t) {
    auto input = x.select(1, t);
    for (int64_t l = 0; l < layers; ++l) {
      auto w_ih = weight("weight_ih_l", l), w_hh = weight("weight_hh_l", l);
      auto b_ih = weight("bias_ih_l", l), b_hh = weight("bias_hh_l", l);
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

std::shared_ptr<LanguageModelImpl> make_recurrent_model(const slm_model_config& config) {
  return std::make_shared<RecurrentModelImpl>(config);
}

}  // namespace slm
