// One recurrent layer over a whole sequence on the CPU, with a hand-written backward pass through time, as a single
// autograd node. Same parameters, gate layouts and formulas as torch.nn.RNN (tanh, relu), GRU and LSTM.
//
// Why not ATen's recurrent loop: it records about 4 (tanh RNN) to 10 (GRU) autograd operations per time step and runs
// each product on one core. Here each time step is one product plus a few element-wise operations in each direction,
// written into buffers allocated once per sequence, and the whole-sequence products (input projections, weight and
// input gradients) are split across the intra-op threads (parallel_matmul.h). CUDA keeps cuDNN's modules.
#pragma once
#include <torch/torch.h>

#include "sequencelm.h"

namespace slm {

struct RecurrentWeights {
  torch::Tensor w_ih, w_hh, b_ih, b_hh;  // [gates * H, in], [gates * H, H], [gates * H] x 2
};

struct RecurrentLayerOutput {
  torch::Tensor output;  // [T, B, H], time-major
  torch::Tensor h, c;    // final states [B, H]; c for LSTMs only
};

// x [T, B, in] (time-major), h0 and (LSTM) c0 [B, H]. family is SLM_RNN_TANH, SLM_RNN_RELU, SLM_GRU or SLM_LSTM.
RecurrentLayerOutput recurrent_layer(int32_t family, const torch::Tensor& x, const torch::Tensor& h0,
                                     const torch::Tensor& c0, const RecurrentWeights& weights);

}  // namespace slm
