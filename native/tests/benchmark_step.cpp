// Times a training step of a char LSTM 2x512, sequence 100, batch 128, vocabulary 83, Adam, clip 5.
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "sequencelm.h"

int main() {
  slm_model_config c{};
  c.family = SLM_LSTM;
  c.num_layers = 2;
  c.vocab_size = 83;
  c.embedding_size = 64;
  c.hidden_size = 512;
  c.dropout = 0.0f;
  c.ignore_index = -1;
  c.seed = 1;
  slm_model* model = nullptr;
  if (slm_model_create(&c, "cpu", &model) != SLM_OK) return std::printf("%s\n", slm_last_error()), 1;
  slm_optimizer_config adam{SLM_ADAM, 0, 0.9f, 0.999f, 1e-8f, 0};
  slm_model_set_optimizer(model, &adam);
  const int64_t batch = 128, steps = 100;
  std::mt19937_64 rng(1);
  std::vector<int64_t> x(batch * steps), y(batch * steps);
  for (auto& v : x) v = rng() % 83;
  for (auto& v : y) v = rng() % 83;
  slm_step_options options{2e-3f, 5.0f, 0, 0};
  float loss = 0, norm = 0;
  double total = 0;
  for (int i = 0; i < 7; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (slm_train_step(model, x.data(), y.data(), batch, steps, &options, &loss, &norm) != SLM_OK)
      return std::printf("%s\n", slm_last_error()), 1;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (i >= 2) total += seconds;
    std::printf("step %d: %.3f s (loss %.3f)\n", i, seconds, loss);
  }
  std::printf("native: %.3f s per step (mean of 5 after 2 warm-up), %d threads\n", total / 5, slm_get_num_threads());
  slm_model_free(model);
}
