using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Decoder-only pre-norm transformer in the style of nanoGPT's model.py: wte (+ wpe, or sinusoids) -> dropout ->
/// blocks -> ln_f -> head, with optional weight tying, biases (nanoGPT's bias flag), GELU approximation, and nanoGPT's
/// initialisation or PyTorch's module defaults.
/// </summary>
internal sealed class TransformerLanguageModel : LanguageModel
{
    private readonly Embedding wte;
    private readonly Embedding? wpe;
    private readonly Tensor? position_table;
    private readonly Dropout dropout;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm ln_f;
    private readonly OutputHead head;

    private readonly long _context;
    private readonly long _width;
    private readonly double _tokenScale;

    public TransformerLanguageModel(in ModelSettings c) : base("transformer", c)
    {
        _context = c.ContextLength;
        _width = c.HiddenSize;
        long ffn = c.FfnSize > 0 ? c.FfnSize : 4 * c.HiddenSize;
        // Sinusoids have amplitude 1: as in "Attention is all you need", token embeddings are then scaled by
        // sqrt(width) so that they are not drowned by the positions.
        _tokenScale = c.Positional == 1 ? Math.Sqrt(c.HiddenSize) : 1.0;
        wte = nn.Embedding(c.VocabSize, c.HiddenSize);
        if (c.Positional == 0) wpe = nn.Embedding(c.ContextLength, c.HiddenSize);
        else position_table = Sinusoids(c.ContextLength, c.HiddenSize);
        dropout = nn.Dropout(c.Dropout);
        var layers = new Block[c.NumLayers];
        var gelu = (GeluApproximation)c.Gelu;
        for (int i = 0; i < layers.Length; i++) layers[i] = new Block(c.HiddenSize, c.NumHeads, ffn, c.Dropout, !c.NoBias, gelu);
        blocks = new ModuleList<Block>(layers);
        ln_f = nn.LayerNorm(c.HiddenSize, bias: !c.NoBias);
        head = new OutputHead(c.HiddenSize, c.VocabSize, c.TieWeights != 0, hasBias: !c.NoBias);
        RegisterComponents();
        if ((TransformerInitialization)c.Initialization == TransformerInitialization.Gpt2) Initialise(c.NumLayers);
    }

    public long ContextLength => _context;

    public override (Tensor Logits, Tensor? Loss) forward(Tensor tokens, Tensor? targets)
    {
        long T = tokens.size(1);
        if (T > _context)
            throw new ArgumentException($"input of {T} tokens is longer than the context_length {_context}");
        var x = Embed(tokens, 0);
        foreach (var block in blocks) x = block.forward(x);
        return WithLoss(head.forward(ln_f.forward(x), wte.weight), targets);
    }

    /// <summary>
    /// Generation: runs tokens [B, n] at positions cache.Length .. cache.Length + n - 1, attending to the cached keys
    /// and values, appends theirs, and returns the last position's logits [B, V].
    /// </summary>
    public Tensor forward(Tensor tokens, KeyValueCache cache)
    {
        long B = tokens.size(0), T = tokens.size(1), start = cache.Length;
        if (start + T > _context)
            throw new ArgumentException($"cached positions {start} + {T} exceed the context_length {_context}");
        if (cache.Batch != B || start == 0)
        {
            long heads = blocks[0].Attention.Heads;
            cache.Reset(B, blocks.Count, heads, _context, _width / heads, wte.weight!);
        }
        var x = Embed(tokens, start);
        for (int i = 0; i < blocks.Count; i++) x = blocks[i].forward(x, cache.Layers[i], start);
        cache.Length = start + T;
        return head.forward(ln_f.forward(x.select(1, T - 1)), wte.weight); // only the last position's logits are needed
    }

    private Tensor Embed(Tensor tokens, long start)
    {
        long T = tokens.size(1);
        var positions = wpe is not null
            ? wpe.forward(arange(start, start + T, ScalarType.Int64, tokens.device))
            : position_table!.narrow(0, start, T);
        var embedded = wte.forward(tokens);
        if (_tokenScale != 1.0) embedded = embedded * _tokenScale;
        return dropout.forward(embedded + positions);
    }

    private static Tensor Sinusoids(long length, long width)
    {
        var position = arange(length, ScalarType.Float32).unsqueeze(1);
        var frequency = exp(arange(0, width, 2, ScalarType.Float32) * (-Math.Log(10000.0) / width));
        var table = zeros(length, width);
        table[TensorIndex.Colon, TensorIndex.Slice(0, null, 2)] = sin(position * frequency);
        table[TensorIndex.Colon, TensorIndex.Slice(1, null, 2)] = cos(position * frequency.narrow(0, 0, width / 2));
        return table;
    }

    // nanoGPT: N(0, 0.02) weights, zero biases, residual projections scaled by 1/sqrt(2 * layers); LayerNorms keep
    // their ones and zeros.
    private void Initialise(int layers)
    {
        using var _ = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (p.dim() == 1)
            {
                if (!name.Contains("ln")) p.zero_();
            }
            else
            {
                bool residual = name.EndsWith(".proj.weight", StringComparison.Ordinal);
                nn.init.normal_(p, 0.0, residual ? 0.02 / Math.Sqrt(2.0 * layers) : 0.02);
            }
        }
    }
}
