using System.Runtime.CompilerServices;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>One time step of one layer with torch.nn.RNNCell / GRUCell / LSTMCell's formulas and gate layouts.</summary>
internal static class RecurrentCell
{
    public readonly record struct Weights(Tensor WeightIh, Tensor WeightHh, Tensor BiasIh, Tensor BiasHh);

    /// <summary>w_ih, w_hh, b_ih, b_hh of each layer of an nn.RNN / GRU / LSTM module, by their names.</summary>
    public static IReadOnlyList<Weights> Layers(nn.Module rnn)
    {
        var byName = rnn.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        return Enumerable.Range(0, byName.Count / 4)
            .Select(l => new Weights(byName[$"weight_ih_l{l}"], byName[$"weight_hh_l{l}"], byName[$"bias_ih_l{l}"], byName[$"bias_hh_l{l}"]))
            .ToArray();
    }

    /// <summary>x [B, in], h and c [B, H] (c is used by LSTMs only) -> the next h and c.</summary>
    public static (Tensor H, Tensor C) Step(ModelFamily family, Tensor x, Tensor h, Tensor c, Weights w)
    {
        var gi = nn.functional.linear(x, w.WeightIh, w.BiasIh);
        var gh = nn.functional.linear(h, w.WeightHh, w.BiasHh);
        switch (family)
        {
            case ModelFamily.RnnTanh:
                return (tanh(gi + gh), c);
            case ModelFamily.RnnRelu:
                return (nn.functional.relu(gi + gh), c);
            case ModelFamily.Gru:
            {
                var i = gi.chunk(3, 1);
                var g = gh.chunk(3, 1); // r, z, n
                var r = sigmoid(i[0] + g[0]);
                var z = sigmoid(i[1] + g[1]);
                var n = tanh(i[2] + r * g[2]);
                return (n + z * (h - n), c); // (1 - z) * n + z * h
            }
            default:
            {
                var gates = (gi + gh).chunk(4, 1); // i, f, g, o
                var cell = sigmoid(gates[1]) * c + sigmoid(gates[0]) * tanh(gates[2]);
                return (sigmoid(gates[3]) * tanh(cell), cell);
            }
        }
    }

    /// <summary>
    /// The same step on one row in C# (generation and the fused layers on the CPU): gi = W_ih x + b_ih and
    /// gh = W_hh h + b_hh, [gates x H]; h and c [H] are updated in place. gi receives the activated gates that
    /// <see cref="StepBackward"/> needs: r, z, n for GRUs, the new h for RNNs (LSTMs leave it as it was).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step(ModelFamily family, Span<float> gi, ReadOnlySpan<float> gh, Span<float> h, Span<float> c)
    {
        int n = h.Length;
        switch (family)
        {
            case ModelFamily.RnnTanh:
                TensorPrimitives.Add(gi[..n], gh[..n], gi[..n]);
                TensorPrimitives.Tanh(gi[..n], gi[..n]);
                gi[..n].CopyTo(h);
                return;
            case ModelFamily.RnnRelu:
                TensorPrimitives.Add(gi[..n], gh[..n], gi[..n]);
                TensorPrimitives.Max(gi[..n], 0f, gi[..n]);
                gi[..n].CopyTo(h);
                return;
            case ModelFamily.Gru: // r, z, n
            {
                Span<float> r = gi[..n], z = gi.Slice(n, n), candidate = gi.Slice(2 * n, n);
                TensorPrimitives.Add(r, gh[..n], r);
                TensorPrimitives.Sigmoid(r, r);
                TensorPrimitives.Add(z, gh.Slice(n, n), z);
                TensorPrimitives.Sigmoid(z, z);
                TensorPrimitives.MultiplyAdd(r, gh.Slice(2 * n, n), candidate, candidate);
                TensorPrimitives.Tanh(candidate, candidate);
                TensorPrimitives.Subtract(h, candidate, h);
                TensorPrimitives.MultiplyAdd(h, z, candidate, h); // h' = n + z (h - n) = (1 - z) n + z h
                return;
            }
            default: // i, f, g, o
                for (int j = 0; j < n; j++)
                {
                    float cell = Sigmoid(gi[n + j] + gh[n + j]) * c[j] + Sigmoid(gi[j] + gh[j]) * MathF.Tanh(gi[2 * n + j] + gh[2 * n + j]);
                    c[j] = cell;
                    h[j] = Sigmoid(gi[3 * n + j] + gh[3 * n + j]) * MathF.Tanh(cell);
                }
                return;
        }
    }

    /// <summary>
    /// The derivative of the span <see cref="Step(ModelFamily, Span{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    /// of a GRU or RNN: from dL/dh' (<paramref name="dh"/>, [H]), the activated gates the step left in gi, gh and the
    /// previous h, writes dL/dgi and dL/dgh ([gates x H]) and puts the part of dL/dh that does not go through W_hh
    /// into <paramref name="dh"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StepBackward(ModelFamily family, ReadOnlySpan<float> gates, ReadOnlySpan<float> gh, ReadOnlySpan<float> hPrevious,
        Span<float> dh, Span<float> dgi, Span<float> dgh)
    {
        int n = dh.Length;
        switch (family)
        {
            case ModelFamily.RnnTanh:
                for (int j = 0; j < n; j++) { dgi[j] = dgh[j] = dh[j] * (1f - gates[j] * gates[j]); dh[j] = 0f; }
                return;
            case ModelFamily.RnnRelu:
                for (int j = 0; j < n; j++) { dgi[j] = dgh[j] = gates[j] > 0f ? dh[j] : 0f; dh[j] = 0f; }
                return;
            case ModelFamily.Gru: // h' = n + z (h - n), n = tanh(gi_n + r gh_n)
                for (int j = 0; j < n; j++)
                {
                    float r = gates[j], z = gates[n + j], candidate = gates[2 * n + j], g = dh[j];
                    float dCandidate = g * (1f - z) * (1f - candidate * candidate);
                    float dr = dCandidate * gh[2 * n + j] * r * (1f - r);
                    float dz = g * (hPrevious[j] - candidate) * z * (1f - z);
                    dgi[j] = dgh[j] = dr;
                    dgi[n + j] = dgh[n + j] = dz;
                    dgi[2 * n + j] = dCandidate;
                    dgh[2 * n + j] = dCandidate * r;
                    dh[j] = g * z;
                }
                return;
            default:
                throw new NotSupportedException("LSTMs run as nn.LSTM (oneDNN's fused kernels), not as fused C# layers");
        }
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
