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
}
