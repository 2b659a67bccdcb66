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
  // Creates the zero state tensors (also used to make them writable before resuming).
  void ensure_state(const std::vector<NamedTensor>& parameters);
  void step(const std::vector<NamedTensor>& parameters, float learning_rate);

  std::vector<NamedTensor> state;  // kind-1 tensors: per parameter, in parameter order
  int64_t steps = 0;

 private:
  slm_optimizer_config config_{};
  bool configured_ = false;
};

}  // namespace slm
