// Library-wide settings: versions, thread counts, CUDA devices.
#include <dlfcn.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "errors.h"

namespace slm {

namespace {

int32_t core_count() { return static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency())); }

// OpenBLAS's own thread pool fights libtorch's intra-op pool (2-3x slower when both use all cores), so it gets one
// thread and libtorch's threads use the cores.
void pin_openblas_to_one_thread() {
  using SetThreads = void (*)(int);
  void* symbol = nullptr;
  for (const char* name : {"libopenblas.so.0", "libblas.so.3", "libopenblas.so"}) {
    if (void* library = dlopen(name, RTLD_NOLOAD | RTLD_LAZY)) {
      symbol = dlsym(library, "openblas_set_num_threads");
      dlclose(library);  // NOLOAD took a reference; the library stays loaded
      if (symbol != nullptr) break;
    }
  }
  if (symbol == nullptr) symbol = dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
  if (symbol != nullptr) reinterpret_cast<SetThreads>(symbol)(1);
}

}  // namespace

void ensure_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    pin_openblas_to_one_thread();
    at::set_num_threads(core_count());
  });
}

}  // namespace slm

using namespace slm;

SLM_API int32_t slm_abi_version(void) { return SLM_ABI_VERSION; }

SLM_API const char* slm_torch_version(void) { return TORCH_VERSION; }

SLM_API int32_t slm_set_num_threads(int32_t threads) {
  return guard([&] { at::set_num_threads(threads <= 0 ? core_count() : threads); });
}

SLM_API int32_t slm_get_num_threads(void) {
  int32_t threads = 1;
  guard([&] { threads = at::get_num_threads(); });
  return threads;
}

SLM_API int32_t slm_cuda_device_count(void) {
  int32_t count = 0;
  guard([&] { count = torch::cuda::is_available() ? static_cast<int32_t>(torch::cuda::device_count()) : 0; });
  return count;
}

SLM_API int32_t slm_benchmark_matmul(int64_t n, int32_t iterations, double* seconds) {
  return guard([&] {
    require(n >= 1 && iterations >= 1, "n and iterations must be >= 1");
    require_pointer(seconds, "seconds");
    torch::NoGradGuard no_grad;
    auto a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
    const auto start = std::chrono::steady_clock::now();
    for (int32_t i = 0; i < iterations; ++i) torch::mm_out(c, a, b);
    *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  });
}
