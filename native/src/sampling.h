// Sampling one token from a row of logits on the CPU, with a generator-owned RNG.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "sequencelm.h"

namespace slm {

class Sampler {
 public:
  Sampler(const slm_sampling& sampling, std::vector<bool> banned);
  int64_t sample(const float* logits);

 private:
  slm_sampling sampling_;
  std::vector<bool> banned_;
  std::mt19937_64 rng_;
  std::vector<double> scores_;   // scratch, reused across calls
  std::vector<int64_t> order_;
};

}  // namespace slm
