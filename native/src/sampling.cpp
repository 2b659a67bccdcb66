#include "sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "errors.h"

namespace slm {

namespace {
constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();
}

Sampler::Sampler(const slm_sampling& sampling, std::vector<bool> banned)
    : sampling_(sampling), banned_(std::move(banned)), rng_(sampling.seed), scores_(banned_.size()),
      order_(banned_.size()) {}

int64_t Sampler::sample(const float* logits) {
  const int64_t vocab = static_cast<int64_t>(scores_.size());
  int64_t best = -1;
  for (int64_t v = 0; v < vocab; ++v) {
    scores_[v] = banned_[v] || std::isnan(logits[v]) ? kMinusInfinity : static_cast<double>(logits[v]);
    if (scores_[v] > kMinusInfinity && (best < 0 || scores_[v] > scores_[best])) best = v;
  }
  if (best < 0) fail(SLM_ERROR, "generation: the model gave no finite logit for any allowed token");
  if (sampling_.temperature <= 0) return best;

  const double top = scores_[best];
  if (sampling_.top_k > 0 && sampling_.top_k < vocab) {
    std::vector<double> sorted(scores_);
    std::nth_element(sorted.begin(), sorted.begin() + (sampling_.top_k - 1), sorted.end(), std::greater<double>());
    const double kth = sorted[sampling_.top_k - 1];
    for (auto& s : scores_)
      if (s < kth) s = kMinusInfinity;
  }
  // Probabilities (unnormalised until the end); exp(-inf) = 0 removes the excluded tokens.
  double total = 0;
  for (auto& s : scores_) total += (s = std::exp((s - top) / sampling_.temperature));
  if (sampling_.top_p > 0 && sampling_.top_p < 1) {
    std::iota(order_.begin(), order_.end(), 0);
    std::sort(order_.begin(), order_.end(), [&](int64_t a, int64_t b) { return scores_[a] > scores_[b]; });
    double cumulative = 0;
    size_t kept = 0;
    while (kept < order_.size() && (kept == 0 || cumulative < sampling_.top_p * total))
      cumulative += scores_[order_[kept++]];
    for (size_t i = kept; i < order_.size(); ++i) scores_[order_[i]] = 0;
    total = cumulative;
  }
  // 53 random bits -> uniform in [0, 1): the same on every platform, unlike std::uniform_real_distribution.
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53 * total;
  double cumulative = 0;
  int64_t last = best;
  for (int64_t v = 0; v < vocab; ++v) {
    if (scores_[v] <= 0) continue;
    cumulative += scores_[v];
    last = v;
    if (u < cumulative) return v;
  }
  return last;  // rounding at the very end of the distribution
}

}  // namespace slm
