using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>Multi-head causal self-attention (nanoGPT's CausalSelfAttention): qkv and proj, scaled dot-product attention.</summary>
internal sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;

    private readonly long _heads;
    private readonly double _dropout;

    public CausalSelfAttention(long width, long heads, double dropout, bool bias) : base("attn")
    {
        _heads = heads;
        _dropout = dropout;
        qkv = nn.Linear(width, 3 * width, hasBias: bias);
        proj = nn.Linear(width, width, hasBias: bias);
        RegisterComponents();
    }

    public long Heads => _heads;

    public override Tensor forward(Tensor x)
    {
        var (q, k, v) = QueriesKeysValues(x);
        var y = F.scaled_dot_product_attention(q, k, v, p: training ? _dropout : 0.0, is_casual: true);
        return Merge(y, x.shape);
    }

    /// <summary>
    /// Generation: x holds positions start .. start + T - 1; their keys and values go into the layer's cache
    /// [B, heads, context, head size] and the queries attend to every cached position up to their own.
    /// </summary>
    public Tensor forward(Tensor x, KeyValueCache.Layer cache, long start)
    {
        var (q, k, v) = QueriesKeysValues(x);
        long T = x.size(1), length = start + T;
        cache.Keys.narrow(2, start, T).copy_(k);
        cache.Values.narrow(2, start, T).copy_(v);
        // Query i (position start + i) sees keys 0 .. start + i; a single query sees them all.
        var mask = T > 1 ? ones(T, length, ScalarType.Bool, x.device).tril(start) : null;
        var y = F.scaled_dot_product_attention(q, cache.Keys.narrow(2, 0, length), cache.Values.narrow(2, 0, length), mask);
        return Merge(y, x.shape);
    }

    private (Tensor Q, Tensor K, Tensor V) QueriesKeysValues(Tensor x)
    {
        long B = x.size(0), T = x.size(1), C = x.size(2);
        var parts = qkv.forward(x).split(C, 2);
        Tensor Heads(Tensor t) => t.view(B, T, _heads, C / _heads).transpose(1, 2);
        return (Heads(parts[0]), Heads(parts[1]), Heads(parts[2]));
    }

    private Tensor Merge(Tensor y, long[] shape) => proj.forward(y.transpose(1, 2).contiguous().view(shape));
}
