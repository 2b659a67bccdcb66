// Native layer tests: each model family trains on a toy sequence, generates, round-trips tensors and reports errors.
// With a folder argument, also writes PyTorch verification folders (see test/python/verify_against_pytorch.py).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

#include "sequencelm.h"

namespace {

int failures = 0;
#define CHECK(condition, ...)                                     \
  do {                                                            \
    if (!(condition)) {                                           \
      ++failures;                                                 \
      std::printf("  FAILED %s:%d: %s ", __FILE__, __LINE__, #condition); \
      std::printf(__VA_ARGS__);                                   \
      std::printf("\n");                                          \
    }                                                             \
  } while (0)
#define CHECK_OK(call) CHECK((call) == SLM_OK, "%s", slm_last_error())

const int64_t kVocab = 11;
const std::vector<int64_t> kPattern = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9};

// Rows of the repeating pattern, each starting at a different offset; targets are the inputs shifted by one.
void toy_batch(int64_t batch, int64_t steps, std::vector<int64_t>& inputs, std::vector<int64_t>& targets) {
  inputs.resize(batch * steps);
  targets.resize(batch * steps);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < steps; ++t) {
      inputs[b * steps + t] = kPattern[(b * 3 + t) % kPattern.size()];
      targets[b * steps + t] = kPattern[(b * 3 + t + 1) % kPattern.size()];
    }
}

slm_model_config config_for(int32_t family) {
  slm_model_config c{};
  c.family = family;
  c.num_layers = 2;
  c.vocab_size = kVocab;
  c.embedding_size = 16;
  c.hidden_size = 32;
  c.num_heads = 4;
  c.positional = 0;
  c.context_length = 32;
  c.ffn_size = 0;
  c.dropout = 0.1f;
  c.tie_weights = 0;
  c.ignore_index = -1;
  c.seed = 42;
  return c;
}

const char* family_name(int32_t family) {
  static const char* names[] = {"rnn_tanh", "rnn_relu", "gru", "lstm", "transformer"};
  return names[family];
}

struct NamedData {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

std::vector<NamedData> read_tensors(slm_model* model, int32_t kind) {
  std::vector<NamedData> out;
  int32_t count = 0;
  slm_model_tensor_count(model, kind, &count);
  for (int32_t i = 0; i < count; ++i) {
    NamedData t;
    char name[256];
    int64_t shape[8];
    int32_t ndim = 0;
    if (slm_model_tensor_info(model, kind, i, name, sizeof name, shape, 8, &ndim) != SLM_OK) break;
    t.name = name;
    t.shape.assign(shape, shape + ndim);
    int64_t n = 1;
    for (auto d : t.shape) n *= d;
    t.data.resize(n);
    slm_model_tensor_read(model, kind, i, t.data.data(), n);
    out.push_back(std::move(t));
  }
  return out;
}

void write_safetensors(const std::string& path, const std::vector<NamedData>& tensors) {
  std::string header = "{";
  size_t offset = 0;
  for (const auto& t : tensors) {
    std::string shape;
    for (size_t i = 0; i < t.shape.size(); ++i) shape += (i ? "," : "") + std::to_string(t.shape[i]);
    size_t bytes = t.data.size() * sizeof(float);
    header += (header.size() > 1 ? "," : "") + std::string("\"") + t.name + "\":{\"dtype\":\"F32\",\"shape\":[" + shape +
              "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  while (header.size() % 8 != 0) header += ' ';
  std::ofstream f(path, std::ios::binary);
  uint64_t length = header.size();
  f.write(reinterpret_cast<const char*>(&length), 8);
  f << header;
  for (const auto& t : tensors) f.write(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(float));
}

std::string json_rows(const std::vector<int64_t>& values, int64_t batch, int64_t steps) {
  std::string s = "[";
  for (int64_t b = 0; b < batch; ++b) {
    s += b ? ",[" : "[";
    for (int64_t t = 0; t < steps; ++t) s += (t ? "," : "") + std::to_string(values[b * steps + t]);
    s += "]";
  }
  return s + "]";
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A model with dropout 0, its logits on a batch, and one optimizer step, for the PyTorch comparison.
void export_verification(const std::string& folder, slm_model_config config, const slm_optimizer_config& optimizer,
                         const char* optimizer_name) {
  config.dropout = 0;
  mkdir(folder.c_str(), 0755);
  slm_model* model = nullptr;
  CHECK_OK(slm_model_create(&config, "cpu", &model));
  if (model == nullptr) return;
  const int64_t batch = 3, steps = 12;
  std::vector<int64_t> inputs, targets;
  toy_batch(batch, steps, inputs, targets);
  if (config.ignore_index >= 0) targets[5] = targets[17] = config.ignore_index;
  std::vector<float> logits(batch * steps * config.vocab_size);
  CHECK_OK(slm_forward_logits(model, inputs.data(), batch, steps, logits.data()));

  write_safetensors(folder + "/weights.safetensors", read_tensors(model, 0));
  std::ofstream(folder + "/logits.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(logits.data()), logits.size() * sizeof(float));
  write_text(folder + "/inputs.json", json_rows(inputs, batch, steps));
  write_text(folder + "/targets.json", json_rows(targets, batch, steps));
  char cfg[1024];
  std::snprintf(cfg, sizeof cfg,
                "{\"family\":\"%s\",\"num_layers\":%d,\"vocab_size\":%lld,\"embedding_size\":%lld,\"hidden_size\":%lld,"
                "\"num_heads\":%d,\"positional\":%d,\"context_length\":%lld,\"ffn_size\":%lld,\"dropout\":%g,"
                "\"tie_weights\":%d,\"ignore_index\":%lld,\"seed\":%llu}",
                family_name(config.family), config.num_layers, (long long)config.vocab_size,
                (long long)config.embedding_size, (long long)config.hidden_size, config.num_heads, config.positional,
                (long long)config.context_length, (long long)config.ffn_size, config.dropout, config.tie_weights,
                (long long)config.ignore_index, (unsigned long long)config.seed);
  write_text(folder + "/config.json", cfg);
  if (config.family != SLM_TRANSFORMER) {
    std::vector<float> norms(steps);
    CHECK_OK(slm_hidden_gradient_norms(model, inputs.data(), targets.data(), batch, steps, norms.data()));
    char exact[64];
    std::string text = "[";
    for (int64_t t = 0; t < steps; ++t) {
      std::snprintf(exact, sizeof exact, "%s%.9g", t ? "," : "", norms[t]);
      text += exact;
    }
    write_text(folder + "/hidden_gradient_norms.json", text + "]");
  }

  CHECK_OK(slm_model_set_optimizer(model, &optimizer));
  slm_step_options step{0.01f, 0.5f, 0, 7};
  float loss = 0, norm = 0;
  CHECK_OK(slm_train_step(model, inputs.data(), targets.data(), batch, steps, &step, &loss, &norm));
  // A second step exercises the optimizer state (momentum, Adam's moments and bias correction).
  float loss2 = 0, norm2 = 0;
  CHECK_OK(slm_train_step(model, inputs.data(), targets.data(), batch, steps, &step, &loss2, &norm2));
  write_safetensors(folder + "/weights_after.safetensors", read_tensors(model, 0));
  char text[1024];
  std::snprintf(text, sizeof text,
                "{\"first_step_loss\":%.9g,\"first_grad_norm\":%.9g,\"second_step_loss\":%.9g,\"steps\":2,"
                "\"lr\":%.9g,\"clip_norm\":%.9g,\"optimizer\":\"%s\",\"momentum\":%.9g,\"beta1\":%.9g,\"beta2\":%.9g,"
                "\"eps\":%.9g,\"weight_decay\":%.9g}",
                loss, norm, loss2, step.learning_rate, step.clip_norm, optimizer_name, optimizer.momentum,
                optimizer.beta1, optimizer.beta2, optimizer.eps, optimizer.weight_decay);
  write_text(folder + "/loss.json", text);
  slm_model_free(model);
}

void test_family(const std::string& label, slm_model_config config) {
  std::printf("%s\n", label.c_str());
  slm_model* model = nullptr;
  CHECK_OK(slm_model_create(&config, "cpu", &model));
  if (model == nullptr) return;
  char device[32];
  CHECK_OK(slm_model_device(model, device, sizeof device));
  CHECK(std::string(device) == "cpu", "device %s", device);

  slm_optimizer_config adam{SLM_ADAM, 0, 0.9f, 0.999f, 1e-8f, 0};
  CHECK_OK(slm_model_set_optimizer(model, &adam));
  int32_t state_count = -1;
  CHECK_OK(slm_model_tensor_count(model, 1, &state_count));
  CHECK(state_count == 0, "optimizer state before the first step: %d tensors", state_count);

  const int64_t batch = 4, steps = 20;
  std::vector<int64_t> inputs, targets;
  toy_batch(batch, steps, inputs, targets);
  float first = 0, loss = 0, norm = 0;
  const int train_steps = config.family == SLM_TRANSFORMER ? 150 : 60;
  for (int i = 0; i < train_steps; ++i) {
    slm_step_options options{config.family == SLM_TRANSFORMER ? 3e-3f : 1e-2f, 1.0f, 0, (uint64_t)i};
    CHECK_OK(slm_train_step(model, inputs.data(), targets.data(), batch, steps, &options, &loss, &norm));
    if (i == 0) first = loss;
  }
  std::printf("  loss %.3f -> %.3f (grad norm %.3f)\n", first, loss, norm);
  CHECK(loss < 0.3f * first, "loss did not fall enough: %.3f -> %.3f", first, loss);
  int64_t steps_done = 0;
  CHECK_OK(slm_model_optimizer_steps(model, &steps_done));
  CHECK(steps_done == train_steps, "optimizer steps %lld", (long long)steps_done);
  CHECK_OK(slm_model_tensor_count(model, 1, &state_count));
  auto parameters = read_tensors(model, 0);
  CHECK(state_count == 2 * (int32_t)parameters.size(), "optimizer state: %d tensors", state_count);
  auto state = read_tensors(model, 1);
  CHECK(!state.empty() && state[0].name == "exp_avg." + parameters[0].name, "state name %s",
        state.empty() ? "" : state[0].name.c_str());

  double loss_sum = 0;
  int64_t count = 0;
  std::vector<double> position_loss(steps, 0.0);
  std::vector<int64_t> position_count(steps, 0);
  CHECK_OK(slm_evaluate_batch(model, inputs.data(), targets.data(), batch, steps, 0, &loss_sum, &count,
                              position_loss.data(), position_count.data()));
  CHECK(count == batch * steps && position_count[0] == batch, "token count %lld", (long long)count);
  std::printf("  evaluation loss %.3f\n", loss_sum / count);

  // Greedy generation continues the pattern.
  // Rows of length 5 and 3 that start like the training rows: [3 1 4 1 5], [1 5 9].
  std::vector<int64_t> prompts = {3, 1, 4, 1, 5, 1, 5, 9};
  std::vector<int64_t> lengths = {5, 3};
  slm_sampling greedy{0, 0, 1, 1};
  slm_generator* generator = nullptr;
  CHECK_OK(slm_generator_create(model, prompts.data(), lengths.data(), 2, &greedy, nullptr, 0, &generator));
  const int count_steps = 10;
  std::vector<int64_t> tokens(count_steps * 2);
  CHECK_OK(slm_generator_next(generator, count_steps, -1, tokens.data(), nullptr));
  int correct = 0;
  for (int s = 0; s < count_steps; ++s) {
    correct += tokens[s * 2] == kPattern[(5 + s) % kPattern.size()];
    correct += tokens[s * 2 + 1] == kPattern[(6 + s) % kPattern.size()];
  }
  std::printf("  greedy generation follows the pattern for %d/%d tokens\n", correct, 2 * count_steps);
  CHECK(correct >= 16, "greedy generation follows the pattern for only %d/20 tokens", correct);
  slm_generator_free(generator);

  // Sampling: the same seed gives the same tokens; banned tokens never appear; stop tokens finish rows.
  slm_sampling sampling{1.0f, 5, 0.9f, 123};
  std::vector<int64_t> banned = {9};
  std::vector<int64_t> a(40 * 2), b(40 * 2);
  slm_generator *ga = nullptr, *gb = nullptr;
  CHECK_OK(slm_generator_create(model, prompts.data(), lengths.data(), 2, &sampling, banned.data(), 1, &ga));
  CHECK_OK(slm_generator_create(model, prompts.data(), lengths.data(), 2, &sampling, banned.data(), 1, &gb));
  CHECK_OK(slm_generator_next(ga, 40, -1, a.data(), nullptr));
  CHECK_OK(slm_generator_next(gb, 20, -1, b.data(), nullptr));
  slm_model_free(model);  // generators keep the model alive
  model = nullptr;
  CHECK_OK(slm_generator_next(gb, 20, -1, b.data() + 40, nullptr));
  CHECK(a == b, "sampling is not deterministic");
  bool any_banned = false;
  for (auto t : a) any_banned |= t == 9;
  CHECK(!any_banned, "a banned token was sampled");
  std::vector<int64_t> c(30 * 2);
  std::vector<uint8_t> finished(2);
  CHECK_OK(slm_generator_next(ga, 30, 5, c.data(), finished.data()));
  CHECK(finished[0] && finished[1], "rows not finished at the stop token");
  CHECK(c[58] == 5 && c[59] == 5, "finished rows must repeat the stop token");
  slm_generator_free(ga);
  slm_generator_free(gb);

  // Tensor round trip and errors, on a fresh model.
  CHECK_OK(slm_model_create(&config, "cpu", &model));
  auto before = read_tensors(model, 0);
  for (size_t i = 0; i < parameters.size(); ++i)
    CHECK_OK(slm_model_tensor_write(model, 0, (int32_t)i, parameters[i].data.data(), parameters[i].data.size()));
  auto after = read_tensors(model, 0);
  bool same = after.size() == parameters.size();
  for (size_t i = 0; same && i < after.size(); ++i) same = after[i].data == parameters[i].data;
  CHECK(same, "tensor write/read round trip differs");
  CHECK(before[0].data != parameters[0].data, "trained and fresh weights are equal");
  CHECK(slm_model_tensor_write(model, 0, 0, parameters[0].data.data(), 3) == SLM_INVALID_ARGUMENT,
        "wrong count accepted");
  std::vector<int64_t> bad = inputs;
  bad[7] = kVocab + 3;
  int32_t status = slm_evaluate_batch(model, bad.data(), targets.data(), batch, steps, 0, &loss_sum, &count,
                                      nullptr, nullptr);
  CHECK(status == SLM_INVALID_ARGUMENT && std::strstr(slm_last_error(), "14") != nullptr, "status %d: %s", status,
        slm_last_error());
  std::printf("  out-of-range token: %s\n", slm_last_error());
  slm_step_options options{1e-3f, 0, 0, 0};
  status = slm_train_step(model, bad.data(), targets.data(), batch, steps, &options, &loss, &norm);
  CHECK(status == SLM_INVALID_ARGUMENT, "train step with a bad token: status %d", status);
  std::vector<float> norms(steps);
  status = slm_hidden_gradient_norms(model, inputs.data(), targets.data(), batch, steps, norms.data());
  if (config.family == SLM_TRANSFORMER) {
    CHECK(status == SLM_INVALID_ARGUMENT, "hidden gradient norms of a transformer: status %d", status);
    std::vector<int64_t> longer(40, 1);
    std::vector<float> logits(40 * kVocab);
    status = slm_forward_logits(model, longer.data(), 1, 40, logits.data());
    CHECK(status == SLM_INVALID_ARGUMENT, "input longer than the context: status %d", status);
    std::printf("  too long: %s\n", slm_last_error());
  } else {
    CHECK(status == SLM_OK && norms[steps - 1] > 0, "hidden gradient norms: %s", slm_last_error());
    std::printf("  hidden gradient norms: first %.2e last %.2e\n", norms[0], norms[steps - 1]);
  }
  slm_model_free(model);
}

void test_configuration_errors() {
  std::printf("configuration errors\n");
  slm_model* model = nullptr;
  auto expect = [&](slm_model_config c, const char* device, int32_t expected, const char* what) {
    int32_t status = slm_model_create(&c, device, &model);
    CHECK(status == expected && model == nullptr, "%s: status %d", what, status);
    std::printf("  %s: %s\n", what, slm_last_error());
  };
  auto c = config_for(SLM_LSTM);
  c.tie_weights = 1;
  expect(c, "cpu", SLM_INVALID_ARGUMENT, "tied weights with different sizes");
  c = config_for(SLM_TRANSFORMER);
  c.num_heads = 5;
  expect(c, "cpu", SLM_INVALID_ARGUMENT, "heads not dividing the width");
  c = config_for(SLM_GRU);
  c.vocab_size = 1;
  expect(c, "cpu", SLM_INVALID_ARGUMENT, "vocabulary of one");
  c.vocab_size = kVocab;
  c.dropout = 1;
  expect(c, "cpu", SLM_INVALID_ARGUMENT, "dropout 1");
  c.dropout = 0;
  expect(c, "tpu", SLM_INVALID_ARGUMENT, "unknown device");
  if (slm_cuda_device_count() == 0) expect(c, "cuda", SLM_DEVICE_UNAVAILABLE, "cuda without CUDA");
}

// Generators sample in parallel threads while the model trains; a diverged step leaves the weights untouched.
void test_threads_and_divergence() {
  std::printf("threads and divergence\n");
  auto config = config_for(SLM_GRU);
  slm_model* model = nullptr;
  CHECK_OK(slm_model_create(&config, "cpu", &model));
  if (model == nullptr) return;
  slm_optimizer_config sgd{SLM_SGD, 0, 0, 0, 0, 0};
  CHECK_OK(slm_model_set_optimizer(model, &sgd));
  std::vector<int64_t> inputs, targets;
  toy_batch(4, 16, inputs, targets);
  std::vector<std::thread> threads;
  std::vector<int32_t> statuses(3, -1);
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&, i] {
      std::vector<int64_t> prompt = {1, 2, 3}, lengths = {3};
      slm_sampling sampling{0.8f, 0, 0.95f, (uint64_t)i};
      slm_generator* g = nullptr;
      int32_t status = slm_generator_create(model, prompt.data(), lengths.data(), 1, &sampling, nullptr, 0, &g);
      std::vector<int64_t> tokens(200);
      if (status == SLM_OK) status = slm_generator_next(g, 200, -1, tokens.data(), nullptr);
      slm_generator_free(g);
      statuses[i] = status;
    });
  float loss = 0, norm = 0;
  for (int i = 0; i < 20; ++i) {
    slm_step_options options{1e-2f, 1.0f, 1, (uint64_t)i};
    CHECK_OK(slm_train_step(model, inputs.data(), targets.data(), 4, 16, &options, &loss, &norm));
  }
  for (auto& t : threads) t.join();
  for (auto s : statuses) CHECK(s == SLM_OK, "generation in a thread: status %d", s);

  slm_step_options explode{1e30f, 0, 0, 0};
  CHECK_OK(slm_train_step(model, inputs.data(), targets.data(), 4, 16, &explode, &loss, &norm));
  auto before = read_tensors(model, 0);
  int64_t steps_before = 0, steps_after = 0;
  slm_model_optimizer_steps(model, &steps_before);
  CHECK_OK(slm_train_step(model, inputs.data(), targets.data(), 4, 16, &explode, &loss, &norm));
  slm_model_optimizer_steps(model, &steps_after);
  auto after = read_tensors(model, 0);
  bool same = true;
  for (size_t i = 0; i < before.size(); ++i)
    same = same && std::memcmp(before[i].data.data(), after[i].data.data(), before[i].data.size() * 4) == 0;
  std::printf("  diverged step: loss %g, grad norm %g\n", loss, norm);
  CHECK(!std::isfinite(loss) && same && steps_after == steps_before, "a non-finite step changed the model");
  slm_model_free(model);
}

}  // namespace

int main(int argc, char** argv) {
  std::printf("libtorch %s, %d threads\n", slm_torch_version(), slm_get_num_threads());
  test_configuration_errors();
  test_threads_and_divergence();
  for (int32_t family = SLM_RNN_TANH; family <= SLM_TRANSFORMER; ++family)
    test_family(family_name(family), config_for(family));
  auto tied = config_for(SLM_LSTM);
  tied.embedding_size = tied.hidden_size;
  tied.tie_weights = 1;
  test_family("lstm, tied weights", tied);
  auto one_hot = config_for(SLM_GRU);
  one_hot.embedding_size = 0;
  test_family("gru, one-hot input", one_hot);
  auto sinusoidal = config_for(SLM_TRANSFORMER);
  sinusoidal.positional = 1;
  sinusoidal.tie_weights = 1;
  test_family("transformer, sinusoidal positions, tied weights", sinusoidal);
  sinusoidal.tie_weights = 0;
  test_family("transformer, sinusoidal positions", sinusoidal);
  auto tiedt = config_for(SLM_TRANSFORMER);
  tiedt.tie_weights = 1;
  test_family("transformer, tied", tiedt);

  if (argc > 1) {
    std::string root = argv[1];
    mkdir(root.c_str(), 0755);
    slm_optimizer_config adam{SLM_ADAM, 0, 0.9f, 0.99f, 1e-8f, 0.01f};
    slm_optimizer_config adamw{SLM_ADAMW, 0, 0.8f, 0.95f, 1e-6f, 0.1f};
    slm_optimizer_config sgd{SLM_SGD, 0.9f, 0, 0, 0, 0.001f};
    export_verification(root + "/rnn_tanh", config_for(SLM_RNN_TANH), sgd, "sgd");
    export_verification(root + "/rnn_relu", config_for(SLM_RNN_RELU), adam, "adam");
    auto gru = config_for(SLM_GRU);
    gru.ignore_index = 0;
    export_verification(root + "/gru", gru, adamw, "adamw");
    export_verification(root + "/gru_one_hot", one_hot, adam, "adam");
    export_verification(root + "/lstm", config_for(SLM_LSTM), adam, "adam");
    export_verification(root + "/lstm_tied", tied, adamw, "adamw");
    export_verification(root + "/transformer", config_for(SLM_TRANSFORMER), adamw, "adamw");
    export_verification(root + "/transformer_sinusoidal_tied", sinusoidal, sgd, "sgd");
    std::printf("verification folders written to %s\n", root.c_str());
  }
  std::printf(failures == 0 ? "all tests passed\n" : "%d checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
