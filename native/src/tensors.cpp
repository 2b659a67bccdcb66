// Named float32 tensors: kind 0 the parameters, kind 1 the optimizer state.
#include <cstring>

#include "model.h"

namespace slm {

namespace {

std::vector<NamedTensor>& tensors_of(ModelCore& core, int32_t kind) {
  require(kind == 0 || kind == 1, "tensor kind must be 0 (parameters) or 1 (optimizer state), got " +
                                      std::to_string(kind));
  return kind == 0 ? core.parameters : core.optimizer.state;
}

NamedTensor& tensor_at(ModelCore& core, int32_t kind, int32_t index) {
  auto& list = tensors_of(core, kind);
  require(index >= 0 && index < static_cast<int32_t>(list.size()),
          "tensor index " + std::to_string(index) + " is out of range [0, " + std::to_string(list.size()) + ")");
  return list[index];
}

void check_count(const NamedTensor& t, int64_t count) {
  require(count == t.tensor.numel(), "tensor " + t.name + " has " + std::to_string(t.tensor.numel()) +
                                         " elements, the buffer has " + std::to_string(count));
}

}  // namespace

}  // namespace slm

using namespace slm;

SLM_API int32_t slm_model_tensor_count(slm_model* model, int32_t kind, int32_t* count) {
  return guard([&] {
    auto& core = core_of(model);
    std::shared_lock lock(core.mutex);
    *require_pointer(count, "count") = static_cast<int32_t>(tensors_of(core, kind).size());
  });
}

SLM_API int32_t slm_model_tensor_info(slm_model* model, int32_t kind, int32_t index, char* name, int32_t name_capacity,
                                      int64_t* shape, int32_t shape_capacity, int32_t* ndim) {
  return guard([&] {
    auto& core = core_of(model);
    std::shared_lock lock(core.mutex);
    const auto& t = tensor_at(core, kind, index);
    const auto sizes = t.tensor.sizes();
    if (ndim != nullptr) *ndim = static_cast<int32_t>(sizes.size());
    if (name != nullptr) {
      require(name_capacity > static_cast<int32_t>(t.name.size()),
              "name buffer too small for " + t.name + ": needs " + std::to_string(t.name.size() + 1) + " bytes");
      std::memcpy(name, t.name.c_str(), t.name.size() + 1);
    }
    if (shape != nullptr) {
      require(shape_capacity >= static_cast<int32_t>(sizes.size()),
              "shape buffer too small for " + t.name + ": needs " + std::to_string(sizes.size()) + " entries");
      std::copy(sizes.begin(), sizes.end(), shape);
    }
  });
}

SLM_API int32_t slm_model_tensor_read(slm_model* model, int32_t kind, int32_t index, float* destination,
                                      int64_t count) {
  return guard([&] {
    auto& core = core_of(model);
    std::shared_lock lock(core.mutex);
    const auto& t = tensor_at(core, kind, index);
    check_count(t, count);
    require_pointer(destination, "destination");
    auto host = torch::from_blob(destination, t.tensor.sizes(), torch::kFloat);
    host.copy_(t.tensor.detach());
  });
}

SLM_API int32_t slm_model_tensor_write(slm_model* model, int32_t kind, int32_t index, const float* source,
                                       int64_t count) {
  return guard([&] {
    auto& core = core_of(model);
    std::unique_lock lock(core.mutex);
    const auto& t = tensor_at(core, kind, index);
    check_count(t, count);
    require_pointer(source, "source");
    auto host = torch::from_blob(const_cast<float*>(source), t.tensor.sizes(), torch::kFloat);
    torch::NoGradGuard no_grad;
    t.tensor.copy_(host);
  });
}
