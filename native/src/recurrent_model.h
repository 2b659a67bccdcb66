// Embedding (or one-hot) -> dropout -> stacked RNN/GRU/LSTM -> dropout -> head.
#pragma once
#include "model.h"

namespace slm {

class RecurrentModelImpl : public LanguageModelImpl {
 public:
  explicit RecurrentModelImpl(const slm_model_config& config);
  torch::Tensor forward(const torch::Tensor& tokens, RecurrentState* state) override;

  torch::Tensor embed(const torch::Tensor& tokens);
  torch::Tensor run(const torch::Tensor& x, RecurrentState& state);  // x [B, T, E] -> top-layer outputs [B, T, H]
  // CPU: the layers of recurrent_layer.h, time-major: x [T, B, E] -> top-layer outputs [T, B, H].
  torch::Tensor run_time_major(const torch::Tensor& x, const std::vector<torch::Tensor>& weights, RecurrentState& state);
  torch::Tensor logits(const torch::Tensor& h);
  // The top layer's hidden state after each step, [B, H] each, computed one step at a time with the layers'
  // cell functions (no cuDNN, whose RNN backward needs training mode), for gradients with respect to them.
  std::vector<torch::Tensor> top_states(const torch::Tensor& x);

  // Generation with one row: one step for one token, written out with matrix-vector products (the cells' formulas
  // of torch.nn.RNN/GRU/LSTM). Returns the logits [1, V]; state h (and c) [layers, 1, H] is read (zeros if empty)
  // and replaced.
  torch::Tensor step_one_row(int64_t token, RecurrentState& state);

 private:
  std::vector<torch::Tensor> layer_weights() const;  // w_ih, w_hh, b_ih, b_hh for each layer

  slm_model_config config_;
  torch::nn::Embedding embedding{nullptr};
  torch::nn::RNN rnn_plain{nullptr};
  torch::nn::GRU rnn_gru{nullptr};
  torch::nn::LSTM rnn_lstm{nullptr};
  torch::nn::Dropout dropout{nullptr};
  Head head{nullptr};
};

}  // namespace slm
