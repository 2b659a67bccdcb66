// SGD, Adam and AdamW written out with in-place tensor ops, following torch.optim's formulas.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

#include "sequencelm.h"

namespace slm {

struct NamedTensor {
  std::string name;
  torch::Tensor tensor;
};

class Optimizer {
 public:
  // Keeps state and step count when the type is unchanged; a new type starts afresh.
  void configure(const slm_optimizer_config& config);
  bool configured() const { return configured_; }
  // Creates the zero state tensors (also used to make them writable before resuming). With flat parameters (one
  // buffer holding them all, see ModelCore) the state tensors are views into flat state buffers as well.
  void ensure_state(const std::vector<NamedTensor>& parameters, const torch::Tensor& flat_parameters = {});
  // With flat parameters and gradients, one update of the whole buffer; otherwise one per parameter.
  void step(const std::vector<NamedTensor>& parameters, float learning_rate, const torch::Tensor& flat_parameters = {},
            const torch::Tensor& flat_gradients = {});

  std::vector<NamedTensor> state;  // kind-1 tensors: per parameter, in parameter order
  int64_t steps = 0;

 private:
  void step_flat(const torch::Tensor& p, const torch::Tensor& grad, float learning_rate);

  slm_optimizer_config config_{};
  bool configured_ = false;
  std::vector<torch::Tensor> flat_state_;  // per state kind, when the parameters are flat
  torch::Tensor scratch_;                  // Adam's denominator for one chunk of the flat buffer, reused
};

}  // namespace slm
