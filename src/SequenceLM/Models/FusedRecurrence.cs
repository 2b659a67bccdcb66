using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// The recurrence of one GRU or tanh/ReLU-RNN layer over a whole sequence as one autograd function, in C# over the
/// tensors' memory: per time step gh = h W_hh^T + b_hh (<see cref="VectorMath.MatMul"/>) and the cell formula of
/// <see cref="RecurrentCell"/>; backward (backpropagation through time) likewise, with the weight gradients as two
/// libtorch calls at the end. On the CPU, nn.GRU / nn.RNN cost dozens of libtorch calls of a few microseconds per
/// time step (libtorch's fused CPU kernels cover LSTMs only), which dominates at small widths.
/// The input projections x W_ih^T + b_ih of all time steps stay one libtorch product, outside this function.
/// </summary>
internal sealed unsafe class FusedRecurrence : autograd.SingleTensorFunction<FusedRecurrence>
{
    /// <summary>
    /// The widest hidden size that runs fused; wider layers run as nn.GRU / nn.RNN, whose multi-threaded matrix
    /// products then outweigh the per-call cost. Measured (docs/performance.md): fused ahead at 64, behind at 256.
    /// </summary>
    public const long WidestHidden = 128;

    public override string Name => nameof(FusedRecurrence);

    /// <summary>Whether a layer of <paramref name="family"/> over <paramref name="input"/> runs fused.</summary>
    public static bool Runs(ModelFamily family, Tensor input, long hidden) =>
        family != ModelFamily.Lstm && input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32 && hidden <= WidestHidden;

    /// <summary>
    /// nn.GRU / nn.RNN's forward (batch first) with their parameters, each layer's recurrence fused: x [B, T, in],
    /// h0 [layers, B, H] (zeros when null) -> the top layer's h at every step [B, T, H] and the final state
    /// [layers, B, H]. Between layers, dropout as the modules apply it.
    /// </summary>
    public static (Tensor Output, Tensor Final) Layers(ModelFamily family, Tensor x, Tensor? h0, IReadOnlyList<RecurrentCell.Weights> layers,
        double dropout, bool training)
    {
        long batch = x.size(0), steps = x.size(1), hidden = layers[0].WeightHh.size(1);
        var finals = new Tensor[layers.Count];
        x = x.transpose(0, 1); // time-major, as the modules run: dropout then draws the same mask
        for (int l = 0; l < layers.Count; l++)
        {
            var w = layers[l];
            var gi = nn.functional.linear(x, w.WeightIh, w.BiasIh);
            var output = Run(family, gi, h0?[l] ?? zeros(batch, hidden, x.dtype, x.device), w.WeightHh, w.BiasHh);
            finals[l] = output[steps - 1];
            x = l < layers.Count - 1 ? nn.functional.dropout(output, dropout, training) : output;
        }
        return (x.transpose(0, 1), stack(finals));
    }

    /// <summary>gi [T, B, gates x H] (x W_ih^T + b_ih), h0 [B, H] -> every step's h, [T, B, H].</summary>
    public static Tensor Run(ModelFamily family, Tensor gi, Tensor h0, Tensor weightHh, Tensor biasHh) =>
        apply(gi, h0, weightHh, biasHh, family);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (gi, h0, weightHh, biasHh, family) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (ModelFamily)vars[4]);
        int steps = (int)gi.size(0), batch = (int)gi.size(1), width = (int)gi.size(2), hidden = (int)h0.size(1);
        // Buffers: gates (the input projections, then the activated gates), gh, and the states h_0..h_T.
        var gates = empty(steps, batch, width).copy_(gi);
        var gh = empty(steps, batch, width);
        var states = empty(steps + 1, batch, hidden);
        states[0].copy_(h0);
        var transposedHh = weightHh.t().contiguous();
        float* g = TensorMemory.Floats(gates), r = TensorMemory.Floats(gh), s = TensorMemory.Floats(states);
        float* w = TensorMemory.Floats(transposedHh), bias = TensorMemory.Floats(biasHh.contiguous());
        int rows = batch * width, states1 = batch * hidden;
        for (int t = 0; t < steps; t++)
        {
            float* h = s + (long)t * states1, next = h + states1, gt = g + (long)t * rows, rt = r + (long)t * rows;
            VectorMath.MatMul(h, batch, hidden, w, width, bias, rt, accumulate: false);
            new ReadOnlySpan<float>(h, states1).CopyTo(new Span<float>(next, states1));
            for (int b = 0; b < batch; b++)
                RecurrentCell.Step(family, new Span<float>(gt + b * width, width), new ReadOnlySpan<float>(rt + b * width, width),
                    new Span<float>(next + b * hidden, hidden), Span<float>.Empty);
        }
        ctx.save_for_backward([gates, gh, states, weightHh]);
        ctx.save_data("family", family);
        return states.narrow(0, 1, steps).clone();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (gates, gh, states, weightHh) = (saved[0], saved[1], saved[2], saved[3]);
        var family = (ModelFamily)ctx.get_data("family");
        int steps = (int)gates.size(0), batch = (int)gates.size(1), width = (int)gates.size(2), hidden = (int)states.size(2);
        var dOutput = gradOutput.contiguous();
        var dgi = empty(steps, batch, width);
        var dgh = empty(steps, batch, width);
        var dh = zeros(batch, hidden);
        float* g = TensorMemory.Floats(gates), r = TensorMemory.Floats(gh), s = TensorMemory.Floats(states);
        float* dOut = TensorMemory.Floats(dOutput), di = TensorMemory.Floats(dgi), dr = TensorMemory.Floats(dgh);
        float* d = TensorMemory.Floats(dh), w = TensorMemory.Floats(weightHh);
        int rows = batch * width, states1 = batch * hidden;
        for (int t = steps - 1; t >= 0; t--)
        {
            float* dOutT = dOut + (long)t * states1;
            for (int i = 0; i < states1; i++) d[i] += dOutT[i];
            long at = (long)t * rows;
            for (int b = 0; b < batch; b++)
                RecurrentCell.StepBackward(family, new ReadOnlySpan<float>(g + at + b * width, width), new ReadOnlySpan<float>(r + at + b * width, width),
                    new ReadOnlySpan<float>(s + (long)t * states1 + b * hidden, hidden), new Span<float>(d + b * hidden, hidden),
                    new Span<float>(di + at + b * width, width), new Span<float>(dr + at + b * width, width));
            VectorMath.MatMul(dr + at, batch, width, w, hidden, null, d, accumulate: true); // dh += dgh W_hh
        }
        var dghRows = dgh.view(steps * batch, width);
        var dWeightHh = dghRows.t().mm(states.narrow(0, 0, steps).reshape(steps * batch, hidden));
        var dBiasHh = dghRows.sum(0L);
        return [dgi, dh, dWeightHh, dBiasHh, null!];
    }
}
