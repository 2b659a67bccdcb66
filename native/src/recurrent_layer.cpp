#include "recurrent_layer.h"

#include "parallel_matmul.h"

namespace slm {

namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

int64_t gate_count(int32_t family) { return family == SLM_GRU ? 3 : family == SLM_LSTM ? 4 : 1; }

// What the forward pass leaves for the backward pass, [T, B, ...] each:
//   output     h_t (enough for tanh and relu RNNs: their derivatives are functions of h_t)
//   gates      GRU: r, z, n; LSTM: i, f, g, o, after their activations
//   hidden     GRU: W_hh h_{t-1} + b_hh (its n part is scaled by r)
//   cells      LSTM: c_t, and cell_tanh: tanh(c_t)
struct Activations {
  Tensor output, gates, hidden, cells, cell_tanh;
};

Activations run_forward(int32_t family, const Tensor& x, const Tensor& h0, const Tensor& c0, const RecurrentWeights& w) {
  torch::NoGradGuard no_grad;
  const int64_t T = x.size(0), B = x.size(1), H = w.w_hh.size(1), G = gate_count(family) * H;
  const auto options = x.options();
  Activations a;
  a.output = torch::empty({T, B, H}, options);
  // Every step's input projection in one product, with the biases that are plain sums (GRU's b_hh is not: r scales
  // its n part).
  auto projected = torch::empty({T, B, G}, options);
  parallel_mm_into(projected.view({T * B, G}), x.reshape({T * B, x.size(2)}), w.w_ih.t(),
                   family == SLM_GRU ? w.b_ih : w.b_ih + w.b_hh);
  if (family == SLM_GRU) {
    a.gates = torch::empty({T, B, G}, options);
    a.hidden = torch::empty({T, B, G}, options);
  } else if (family == SLM_LSTM) {
    a.gates = projected;  // activated in place, step by step
    a.cells = torch::empty({T, B, H}, options);
    a.cell_tanh = torch::empty({T, B, H}, options);
  }
  const auto w_hh_t = w.w_hh.t();
  Tensor h = h0, c = c0;
  for (int64_t t = 0; t < T; ++t) {
    auto out = a.output[t];
    if (family == SLM_RNN_TANH || family == SLM_RNN_RELU) {
      parallel_mm_into(out, h, w_hh_t, projected[t]);
      family == SLM_RNN_TANH ? out.tanh_() : out.relu_();
    } else if (family == SLM_GRU) {
      auto gx = projected[t], gh = a.hidden[t], g = a.gates[t];
      parallel_mm_into(gh, h, w_hh_t, w.b_hh);
      auto rz = g.narrow(1, 0, 2 * H), r = g.narrow(1, 0, H), z = g.narrow(1, H, H), n = g.narrow(1, 2 * H, H);
      at::add_out(rz, gx.narrow(1, 0, 2 * H), gh.narrow(1, 0, 2 * H)).sigmoid_();
      at::mul_out(n, r, gh.narrow(1, 2 * H, H)).add_(gx.narrow(1, 2 * H, H)).tanh_();
      at::sub_out(out, h, n).mul_(z).add_(n);  // (1 - z) * n + z * h
    } else {
      auto g = projected[t];  // i, f, g, o
      parallel_mm_into(g, h, w_hh_t, g);
      g.narrow(1, 0, 2 * H).sigmoid_();
      g.narrow(1, 2 * H, H).tanh_();
      g.narrow(1, 3 * H, H).sigmoid_();
      auto cell = a.cells[t], cell_tanh = a.cell_tanh[t];
      at::mul_out(cell, g.narrow(1, H, H), c).addcmul_(g.narrow(1, 0, H), g.narrow(1, 2 * H, H));
      at::tanh_out(cell_tanh, cell);
      at::mul_out(out, g.narrow(1, 3 * H, H), cell_tanh);
      c = cell;
    }
    h = out;
  }
  return a;
}

struct LayerGradients {
  Tensor x, h0, c0, w_ih, w_hh, b_ih, b_hh;
};

// Backpropagation through time. d_output [T, B, H], d_h and d_c [B, H]: the gradients of the outputs.
LayerGradients run_backward(int32_t family, const Tensor& x, const Tensor& h0, const Tensor& c0,
                            const RecurrentWeights& w, const Activations& a, const Tensor& d_output, const Tensor& d_h,
                            const Tensor& d_c, bool need_x) {
  torch::NoGradGuard no_grad;
  const int64_t T = x.size(0), B = x.size(1), H = w.w_hh.size(1), G = gate_count(family) * H;
  const auto options = x.options();
  // d_input: gradients of the input-side sums (what W_ih and b_ih see); d_hidden: of the hidden-side sums (W_hh,
  // b_hh). They differ only for the GRU, where r scales the hidden side of n.
  auto d_input = torch::empty({T, B, G}, options);
  auto d_hidden = family == SLM_GRU ? torch::empty({T, B, G}, options) : d_input;
  auto dh = d_h.clone();
  auto dc = family == SLM_LSTM ? d_c.clone() : Tensor();
  auto scratch = torch::empty({B, H}, options);
  for (int64_t t = T - 1; t >= 0; --t) {
    dh.add_(d_output[t]);
    const auto h_prev = t > 0 ? a.output[t - 1] : h0;
    auto dg = d_input[t];
    if (family == SLM_RNN_TANH) {
      at::tanh_backward_out(dg, dh, a.output[t]);
      parallel_mm_into(dh, dg, w.w_hh);
    } else if (family == SLM_RNN_RELU) {
      at::threshold_backward_out(dg, dh, a.output[t], 0);
      parallel_mm_into(dh, dg, w.w_hh);
    } else if (family == SLM_GRU) {
      const auto g = a.gates[t];
      const auto r = g.narrow(1, 0, H), z = g.narrow(1, H, H), n = g.narrow(1, 2 * H, H);
      const auto hn = a.hidden[t].narrow(1, 2 * H, H);
      auto dr = dg.narrow(1, 0, H), dz = dg.narrow(1, H, H), dn = dg.narrow(1, 2 * H, H);
      at::sub_out(dz, h_prev, n).mul_(dh);        // dh * (h_prev - n) ...
      at::sigmoid_backward_out(dz, dz, z);        // ... * z (1 - z)
      at::mul_out(dn, dh, z);
      at::sub_out(dn, dh, dn);                    // dh * (1 - z) ...
      at::tanh_backward_out(dn, dn, n);           // ... * (1 - n^2)
      at::mul_out(dr, dn, hn);                    // dn * hn ...
      at::sigmoid_backward_out(dr, dr, r);        // ... * r (1 - r)
      auto dgh = d_hidden[t], dgh_n = dgh.narrow(1, 2 * H, H);
      dgh.narrow(1, 0, 2 * H).copy_(dg.narrow(1, 0, 2 * H));
      at::mul_out(dgh_n, dn, r);
      at::mul_out(scratch, dh, z);
      parallel_mm_into(dh, dgh, w.w_hh, scratch);  // dh_prev = dh * z + dgh W_hh
    } else {
      const auto g = a.gates[t];
      const auto i = g.narrow(1, 0, H), f = g.narrow(1, H, H), gg = g.narrow(1, 2 * H, H), o = g.narrow(1, 3 * H, H);
      const auto c_prev = t > 0 ? a.cells[t - 1] : c0;
      const auto cell_tanh = a.cell_tanh[t];
      auto di = dg.narrow(1, 0, H), df = dg.narrow(1, H, H), dgg = dg.narrow(1, 2 * H, H), d_o = dg.narrow(1, 3 * H, H);
      at::mul_out(d_o, dh, cell_tanh);
      at::sigmoid_backward_out(d_o, d_o, o);
      at::mul_out(scratch, dh, o);
      at::tanh_backward_out(scratch, scratch, cell_tanh);
      dc.add_(scratch);                          // dc_t = dc_{t+1} f_{t+1} + dh o (1 - tanh(c)^2)
      at::mul_out(di, dc, gg);
      at::sigmoid_backward_out(di, di, i);
      at::mul_out(df, dc, c_prev);
      at::sigmoid_backward_out(df, df, f);
      at::mul_out(dgg, dc, i);
      at::tanh_backward_out(dgg, dgg, gg);
      dc.mul_(f);
      parallel_mm_into(dh, dg, w.w_hh);
    }
  }

  LayerGradients d;
  d.h0 = dh;
  d.c0 = dc;
  const auto flat_input = d_input.view({T * B, G}), flat_hidden = d_hidden.view({T * B, G});
  d.w_ih = parallel_mm(flat_input.t(), x.reshape({T * B, x.size(2)}));
  d.b_ih = flat_input.sum(0);
  d.b_hh = family == SLM_GRU ? flat_hidden.sum(0) : d.b_ih.clone();
  // W_hh's gradient: sum over t of d_hidden_t^T h_{t-1}, with h_{-1} = h0 and h_0 .. h_{T-2} in the output.
  d.w_hh = torch::mm(flat_hidden.narrow(0, 0, B).t(), h0);
  if (T > 1)
    parallel_mm_into(d.w_hh, flat_hidden.narrow(0, B, (T - 1) * B).t(), a.output.narrow(0, 0, T - 1).reshape({(T - 1) * B, H}),
                     d.w_hh);
  if (need_x) d.x = parallel_mm(flat_input, w.w_ih).view({T, B, x.size(2)});
  return d;
}

struct RecurrentLayerFunction : public torch::autograd::Function<RecurrentLayerFunction> {
  static variable_list forward(AutogradContext* ctx, Tensor x, Tensor h0, c10::optional<Tensor> c0, Tensor w_ih,
                               Tensor w_hh, Tensor b_ih, Tensor b_hh, int64_t family) {
    const auto cell0 = c0.has_value() ? *c0 : Tensor();
    const auto a = run_forward(static_cast<int32_t>(family), x, h0, cell0, {w_ih, w_hh, b_ih, b_hh});
    ctx->saved_data["family"] = family;
    ctx->save_for_backward({x, h0, cell0, w_ih, w_hh, b_ih, b_hh, a.output, a.gates, a.hidden, a.cells, a.cell_tanh});
    const int64_t last = x.size(0) - 1;
    if (family == SLM_LSTM) return {a.output, a.output[last].clone(), a.cells[last].clone()};
    return {a.output, a.output[last].clone()};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto family = static_cast<int32_t>(ctx->saved_data["family"].toInt());
    const auto s = ctx->get_saved_variables();
    const RecurrentWeights w{s[3], s[4], s[5], s[6]};
    const Activations a{s[7], s[8], s[9], s[10], s[11]};
    const auto d = run_backward(family, s[0], s[1], s[2], w, a, grads[0].contiguous(), grads[1],
                                family == SLM_LSTM ? grads[2] : Tensor(), ctx->needs_input_grad(0));
    return {d.x, d.h0, family == SLM_LSTM ? d.c0 : Tensor(), d.w_ih, d.w_hh, d.b_ih, d.b_hh, Tensor()};
  }
};

}  // namespace

RecurrentLayerOutput recurrent_layer(int32_t family, const torch::Tensor& x, const torch::Tensor& h0,
                                     const torch::Tensor& c0, const RecurrentWeights& weights) {
  c10::optional<Tensor> cell0;
  if (family == SLM_LSTM) cell0 = c0;
  auto outputs = RecurrentLayerFunction::apply(x.contiguous(), h0, cell0, weights.w_ih, weights.w_hh, weights.b_ih,
                                               weights.b_hh, static_cast<int64_t>(family));
  return {outputs[0], outputs[1], family == SLM_LSTM ? outputs[2] : Tensor()};
}

}  // namespace slm
