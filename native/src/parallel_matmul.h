// Matrix products that use every intra-op thread on the CPU.
//
// OpenBLAS is pinned to one thread (its own pool fights libtorch's OpenMP pool, see library.cpp), which leaves each
// large product on one core. Splitting the output into one block per intra-op thread and running each block as its
// own one-thread product uses them all: measured 1.4-1.9x on 2 cores for products from about 2M multiply-adds up
// (the 700x256 by 256x10000 output layer of a word-level model: 40 ms -> 26 ms). Smaller products, other devices and
// calls already inside a parallel region run as one product, unchanged.
#pragma once
#include <torch/torch.h>

namespace slm {

// out = a @ b (+ addend, [N] broadcast over the rows or [M, N], when defined). a [M, K], b [K, N], out [M, N] (may
// alias the addend); no autograd.
void parallel_mm_into(torch::Tensor out, const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& addend = {});
torch::Tensor parallel_mm(const torch::Tensor& a, const torch::Tensor& b);

// x [..., in] @ weight [out, in]^T + bias [out]: torch.nn.functional.linear, differentiable, with its products (and
// those of its backward pass) split across threads where that pays.
torch::Tensor parallel_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

}  // namespace slm
