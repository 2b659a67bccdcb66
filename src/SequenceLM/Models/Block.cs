using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>A pre-norm transformer block (nanoGPT): x + attn(ln1(x)), then x + mlp(ln2(x)), dropout on both branches.</summary>
internal sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln1;
    private readonly CausalSelfAttention attn;
    private readonly LayerNorm ln2;
    private readonly Mlp mlp;
    private readonly Dropout dropout;

    public Block(long width, long heads, long ffn, double dropoutRate, bool bias, GeluApproximation gelu) : base("block")
    {
        ln1 = nn.LayerNorm(width, bias: bias);
        attn = new CausalSelfAttention(width, heads, dropoutRate, bias);
        ln2 = nn.LayerNorm(width, bias: bias);
        mlp = new Mlp(width, ffn, bias, gelu);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public CausalSelfAttention Attention => attn;

    public override Tensor forward(Tensor x)
    {
        x = x + dropout.forward(attn.forward(ln1.forward(x)));
        return x + dropout.forward(mlp.forward(ln2.forward(x)));
    }

    /// <summary>Generation with the layer's key/value cache (see <see cref="CausalSelfAttention"/>).</summary>
    public Tensor forward(Tensor x, KeyValueCache.Layer cache, long start)
    {
        x = x + dropout.forward(attn.forward(ln1.forward(x), cache, start));
        return x + dropout.forward(mlp.forward(ln2.forward(x)));
    }
}
