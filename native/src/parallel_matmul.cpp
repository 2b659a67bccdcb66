#include "parallel_matmul.h"

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

namespace slm {

namespace {

// Below this the threads' start-up costs about what the split saves (measured on 2 cores: 20x256 by 256x256, 1.3M
// multiply-adds, 13% slower split; 20x256 by 256x768, 3.9M, 1.43x faster).
constexpr int64_t kSplitMultiplyAdds = int64_t{1} << 21;
constexpr int64_t kMinimumBlock = 8;  // rows or columns per thread

int64_t block_count(const torch::Tensor& a, const torch::Tensor& b) {
  if (!a.device().is_cpu() || a.scalar_type() != torch::kFloat || at::in_parallel_region()) return 1;
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  if (m * k * n < kSplitMultiplyAdds) return 1;
  return std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), std::max(m, n) / kMinimumBlock));
}

void product(torch::Tensor out, const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& addend) {
  torch::NoGradGuard no_grad;
  if (addend.defined()) {
    at::addmm_out(out, addend, a, b);
  } else {
    at::mm_out(out, a, b);
  }
}

}  // namespace

void parallel_mm_into(torch::Tensor out, const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& addend) {
  const int64_t blocks = block_count(a, b);
  if (blocks < 2) {
    product(out, a, b, addend);
    return;
  }
  const bool per_row = addend.defined() && addend.dim() == 2;
  const bool by_rows = a.size(0) >= b.size(1);
  const int64_t length = by_rows ? a.size(0) : b.size(1);
  // Thread-local state (dispatch keys, grad and inference mode) does not reach OpenMP's worker threads by itself;
  // libtorch 1.13's ThreadLocalState leaves inference mode out.
  const at::ThreadLocalState caller;
  const bool inference = c10::InferenceMode::is_enabled();
  at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
    at::ThreadLocalStateGuard same_state(caller);
    c10::optional<c10::InferenceMode> same_inference_mode;
    if (inference) same_inference_mode.emplace();
    for (int64_t block = first; block < last; ++block) {
      const int64_t begin = length * block / blocks, size = length * (block + 1) / blocks - begin;
      if (by_rows) {
        product(out.narrow(0, begin, size), a.narrow(0, begin, size), b, per_row ? addend.narrow(0, begin, size) : addend);
      } else {
        product(out.narrow(1, begin, size), a, b.narrow(1, begin, size),
                addend.defined() ? addend.narrow(-1, begin, size) : addend);
      }
    }
  });
}

torch::Tensor parallel_mm(const torch::Tensor& a, const torch::Tensor& b) {
  auto out = torch::empty({a.size(0), b.size(1)}, a.options());
  parallel_mm_into(out, a, b);
  return out;
}

namespace {

// linear() on 2-D input as one autograd node whose forward and backward products are split across threads.
struct SplitLinear : public torch::autograd::Function<SplitLinear> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor x, torch::Tensor weight,
                               torch::Tensor bias) {
    ctx->save_for_backward({x, weight});
    auto out = torch::empty({x.size(0), weight.size(0)}, x.options());
    parallel_mm_into(out, x, weight.t(), bias);
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list gradients) {
    auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &weight = saved[1];
    const auto g = gradients[0].contiguous();
    torch::Tensor dx, dweight, dbias;
    if (ctx->needs_input_grad(0)) dx = parallel_mm(g, weight);
    if (ctx->needs_input_grad(1)) dweight = parallel_mm(g.t(), x);
    if (ctx->needs_input_grad(2)) dbias = g.sum(0);
    return {dx, dweight, dbias};
  }
};

}  // namespace

torch::Tensor parallel_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  const int64_t in = weight.size(1), out = weight.size(0);
  auto rows = x.reshape({-1, in});
  if (!bias.defined() || block_count(rows, weight.t()) < 2) return torch::nn::functional::linear(x, weight, bias);
  auto sizes = x.sizes().vec();
  sizes.back() = out;
  const bool differentiable =
      torch::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad() || bias.requires_grad());
  if (differentiable) return SplitLinear::apply(rows, weight, bias).view(sizes);
  auto result = torch::empty({rows.size(0), out}, x.options());
  parallel_mm_into(result, rows, weight.t(), bias);
  return result.view(sizes);
}

}  // namespace slm
