// Model creation and the model handle: configuration checks, device choice, parameter counts.
#include <cmath>
#include <cstring>

#include "model.h"

namespace slm {

HeadImpl::HeadImpl(int64_t in, int64_t vocab, bool tied) {
  if (!tied) weight = register_parameter("weight", torch::empty({vocab, in}));
  bias = register_parameter("bias", torch::empty({vocab}));
  // torch.nn.Linear's default initialisation
  torch::NoGradGuard no_grad;
  double bound = 1.0 / std::sqrt(static_cast<double>(in));
  if (!tied) torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  bias.uniform_(-bound, bound);
}

torch::Tensor HeadImpl::forward(const torch::Tensor& x, const torch::Tensor& tied_weight) {
  return linear_rows(x, weight.defined() ? weight : tied_weight, bias);
}

torch::Tensor token_tensor(const ModelCore& core, const int64_t* tokens, int64_t batch, int64_t steps,
                           const char* what, bool allow_ignore) {
  require_pointer(tokens, what);
  require(batch >= 1, "batch must be >= 1, got " + std::to_string(batch));
  require(steps >= 1, "steps must be >= 1, got " + std::to_string(steps));
  const int64_t vocab = core.config.vocab_size, ignore = core.config.ignore_index;
  for (int64_t i = 0; i < batch * steps; ++i) {
    int64_t t = tokens[i];
    if ((t < 0 || t >= vocab) && !(allow_ignore && t == ignore && ignore >= 0))
      fail(SLM_INVALID_ARGUMENT, std::string(what) + ": token id " + std::to_string(t) + " at row " +
                                     std::to_string(i / steps) + ", position " + std::to_string(i % steps) +
                                     " is outside the vocabulary [0, " + std::to_string(vocab) + ")");
  }
  auto host = torch::from_blob(const_cast<int64_t*>(tokens), {batch, steps}, torch::kLong);
  return host.to(core.device);  // on the CPU this aliases the caller's buffer, which outlives the call
}

namespace {

void validate(const slm_model_config& c) {
  auto in_range = [](bool ok, const std::string& message) { require(ok, "model config: " + message); };
  in_range(c.family >= SLM_RNN_TANH && c.family <= SLM_TRANSFORMER,
           "family must be 0 (rnn_tanh), 1 (rnn_relu), 2 (gru), 3 (lstm) or 4 (transformer), got " +
               std::to_string(c.family));
  in_range(c.vocab_size >= 2, "vocab_size must be >= 2, got " + std::to_string(c.vocab_size));
  in_range(c.hidden_size >= 1, "hidden_size must be >= 1, got " + std::to_string(c.hidden_size));
  in_range(c.num_layers >= 1, "num_layers must be >= 1, got " + std::to_string(c.num_layers));
  in_range(c.dropout >= 0 && c.dropout < 1, "dropout must be in [0, 1), got " + std::to_string(c.dropout));
  if (c.family == SLM_TRANSFORMER) {
    in_range(c.num_heads >= 1, "num_heads must be >= 1, got " + std::to_string(c.num_heads));
    in_range(c.hidden_size % c.num_heads == 0, "num_heads (" + std::to_string(c.num_heads) +
                                                   ") must divide hidden_size (" + std::to_string(c.hidden_size) + ")");
    in_range(c.positional == 0 || c.positional == 1,
             "positional must be 0 (learned) or 1 (sinusoidal), got " + std::to_string(c.positional));
    in_range(c.context_length >= 1, "context_length must be >= 1, got " + std::to_string(c.context_length));
    in_range(c.ffn_size >= 0, "ffn_size must be >= 0 (0 means 4 x hidden_size), got " + std::to_string(c.ffn_size));
  } else {
    in_range(c.embedding_size >= 0,
             "embedding_size must be >= 0 (0 means one-hot input), got " + std::to_string(c.embedding_size));
    if (c.tie_weights)
      in_range(c.embedding_size == c.hidden_size,
               "tie_weights needs embedding_size == hidden_size, got embedding_size " +
                   std::to_string(c.embedding_size) + " and hidden_size " + std::to_string(c.hidden_size));
  }
}

torch::Device choose_device(const char* name) {
  std::string text = name == nullptr ? "cpu" : name;
  if (text == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (text != "cpu" && text != "cuda" && text.rfind("cuda:", 0) != 0)
    fail(SLM_INVALID_ARGUMENT, "device must be \"cpu\", \"cuda\", \"cuda:N\" or \"auto\", got \"" + text + "\"");
  torch::Device device(text);
  if (device.is_cuda()) {
    if (!torch::cuda::is_available())
      fail(SLM_DEVICE_UNAVAILABLE, "device \"" + text +
                                       "\": CUDA is not available in this build or on this machine; use \"cpu\" or "
                                       "\"auto\"");
    int64_t count = static_cast<int64_t>(torch::cuda::device_count());
    int64_t index = device.has_index() ? device.index() : 0;
    if (index >= count)
      fail(SLM_DEVICE_UNAVAILABLE, "device \"" + text + "\": there are only " + std::to_string(count) +
                                       " CUDA devices");
    device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  return device;
}

// Moves the parameters into one flat buffer and gives each a gradient that is a view into a second one. Autograd
// accumulates into an existing gradient in place, so the views stay in place across steps.
void flatten_parameters(ModelCore& core) {
  int64_t total = 0;
  for (const auto& p : core.parameters) total += p.tensor.numel();
  if (total == 0) return;
  torch::NoGradGuard no_grad;
  const auto options = core.parameters.front().tensor.options().requires_grad(false);
  core.flat_parameters = torch::empty({total}, options);
  core.flat_gradients = torch::zeros({total}, options);
  int64_t offset = 0;
  for (auto& p : core.parameters) {
    const int64_t n = p.tensor.numel();
    auto data = core.flat_parameters.narrow(0, offset, n).view(p.tensor.sizes());
    data.copy_(p.tensor);
    p.tensor.set_data(data);
    p.tensor.mutable_grad() = core.flat_gradients.narrow(0, offset, n).view(p.tensor.sizes());
    offset += n;
  }
}

}  // namespace

}  // namespace slm

using namespace slm;

std::mutex& slm::global_rng_mutex() {
  static std::mutex mutex;
  return mutex;
}

SLM_API int32_t slm_model_create(const slm_model_config* config, const char* device, slm_model** out) {
  return guard([&] {
    require_pointer(out, "out");
    *out = nullptr;
    validate(*require_pointer(config, "config"));
    auto core = std::make_shared<ModelCore>();
    core->config = *config;
    core->device = choose_device(device);
    {
      std::lock_guard rng(global_rng_mutex());
      torch::manual_seed(config->seed);  // initialise on the CPU so that a seed gives the same weights on any device
      core->net = config->family == SLM_TRANSFORMER ? make_transformer_model(*config) : make_recurrent_model(*config);
    }
    core->net->to(core->device);
    core->net->eval();
    for (const auto& item : core->net->named_parameters()) core->parameters.push_back({item.key(), item.value()});
    if (core->device.is_cpu()) flatten_parameters(*core);
    *out = new slm_model{core};
  });
}

SLM_API void slm_model_free(slm_model* model) { delete model; }

SLM_API int32_t slm_model_device(slm_model* model, char* buffer, int32_t capacity) {
  return guard([&] {
    std::string name = core_of(model).device.str();
    require_pointer(buffer, "buffer");
    require(capacity > static_cast<int32_t>(name.size()),
            "buffer too small for the device name: needs " + std::to_string(name.size() + 1) + " bytes");
    std::memcpy(buffer, name.c_str(), name.size() + 1);
  });
}

SLM_API int32_t slm_model_parameter_count(slm_model* model, int64_t* count) {
  return guard([&] {
    int64_t total = 0;
    for (const auto& p : core_of(model).parameters) total += p.tensor.numel();
    *require_pointer(count, "count") = total;
  });
}
