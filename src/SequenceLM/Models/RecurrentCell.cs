using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>One time step of one layer with torch.nn.RNNCell / GRUCell / LSTMCell's formulas and gate layouts.</summary>
internal static class RecurrentCell
{
    public readonly record struct Weights(Tensor WeightIh, Tensor WeightHh, Tensor BiasIh, Tensor BiasHh);

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
    /// The same step on one row in C# (generation on the CPU): gi = W_ih x + b_ih and gh = W_hh h + b_hh, [gates x H];
    /// h and c [H] are updated in place. gi is overwritten.
    /// </summary>
    public static void Step(ModelFamily family, Span<float> gi, ReadOnlySpan<float> gh, Span<float> h, Span<float> c)
    {
        int n = h.Length;
        switch (family)
        {
            case ModelFamily.RnnTanh:
                for (int j = 0; j < n; j++) h[j] = MathF.Tanh(gi[j] + gh[j]);
                return;
            case ModelFamily.RnnRelu:
                for (int j = 0; j < n; j++) h[j] = MathF.Max(0f, gi[j] + gh[j]);
                return;
            case ModelFamily.Gru: // r, z, n
                for (int j = 0; j < n; j++)
                {
                    float r = Sigmoid(gi[j] + gh[j]);
                    float z = Sigmoid(gi[n + j] + gh[n + j]);
                    float candidate = MathF.Tanh(gi[2 * n + j] + r * gh[2 * n + j]);
                    h[j] = candidate + z * (h[j] - candidate);
                }
                return;
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

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
