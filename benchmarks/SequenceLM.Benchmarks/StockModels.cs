using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.SequenceLM.Benchmarks;

// The models a TorchSharp user writes from TorchSharp's examples and PyTorch's word_language_model / nanoGPT:
// stock modules only, nothing from our library.

/// <summary>Embedding (or one-hot) -> dropout -> nn.RNN/GRU/LSTM (batch first) -> dropout -> nn.Linear.</summary>
internal sealed class StockRecurrentModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding? embedding;
    private readonly Dropout drop;
    private readonly nn.Module rnn;
    private readonly Linear head;
    private readonly long _vocab;

    public StockRecurrentModel(BenchSpec s) : base("rnn_model")
    {
        _vocab = s.Vocab;
        long input = s.Embedding > 0 ? s.Embedding : s.Vocab;
        if (s.Embedding > 0) embedding = nn.Embedding(s.Vocab, s.Embedding);
        drop = nn.Dropout(s.Dropout);
        double between = s.Layers > 1 ? s.Dropout : 0.0;
        rnn = s.Family switch
        {
            "lstm" => nn.LSTM(input, s.Hidden, s.Layers, batchFirst: true, dropout: between),
            "gru" => nn.GRU(input, s.Hidden, s.Layers, batchFirst: true, dropout: between),
            _ => nn.RNN(input, s.Hidden, s.Layers, nn.NonLinearities.Tanh, batchFirst: true, dropout: between),
        };
        head = nn.Linear(s.Hidden, s.Vocab);
        if (s.Tie && embedding is not null) head.weight = embedding.weight!;
        RegisterComponents();
    }

    /// <summary>The state: (h) for RNN/GRU, (h, c) for LSTM; null for zeros.</summary>
    private Tensor[]? State { get; set; }
    private Tensor[]? _kept;

    public void ResetState()
    {
        foreach (var t in _kept ?? []) t.Dispose();
        State = _kept = null;
    }

    /// <summary>Detaches the last state from autograd and from any dispose scope; the one kept before is freed.</summary>
    public void KeepState()
    {
        var next = State!.Select(t => t.detach().DetachFromDisposeScope()).ToArray();
        ResetState();
        State = _kept = next;
    }

    public override Tensor forward(Tensor x)
    {
        var e = embedding is not null ? drop.forward(embedding.forward(x)) : F.one_hot(x, _vocab).to(ScalarType.Float32);
        Tensor output;
        switch (rnn)
        {
            case LSTM lstm:
                var (o, h, c) = lstm.forward(e, State is null ? null : (State[0], State[1]));
                (output, State) = (o, [h, c]);
                break;
            case GRU gru:
                var (go, gh) = gru.forward(e, State?[0]);
                (output, State) = (go, [gh]);
                break;
            default:
                var (ro, rh) = ((RNN)rnn).forward(e, State?[0]);
                (output, State) = (ro, [rh]);
                break;
        }
        return head.forward(drop.forward(output));
    }
}

/// <summary>nanoGPT: wte + wpe -> blocks (pre-norm, causal scaled_dot_product_attention, GELU MLP) -> ln_f -> head.</summary>
internal sealed class StockGpt : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly Dropout drop;
    private readonly ModuleList<StockBlock> blocks;
    private readonly LayerNorm ln_f;
    private readonly Linear head;

    public StockGpt(BenchSpec s) : base("gpt")
    {
        Context = s.Context;
        wte = nn.Embedding(s.Vocab, s.Hidden);
        wpe = nn.Embedding(s.Context, s.Hidden);
        drop = nn.Dropout(s.Dropout);
        blocks = new ModuleList<StockBlock>(Enumerable.Range(0, s.Layers).Select(_ => new StockBlock(s.Hidden, s.Heads, s.Dropout)).ToArray());
        ln_f = nn.LayerNorm(s.Hidden);
        head = nn.Linear(s.Hidden, s.Vocab);
        if (s.Tie) head.weight = wte.weight!;
        RegisterComponents();
        using var _ = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (p.dim() == 1)
            {
                if (!name.Contains("ln")) p.zero_();
            }
            else
            {
                nn.init.normal_(p, 0.0, name.EndsWith("proj.weight", StringComparison.Ordinal) ? 0.02 / Math.Sqrt(2.0 * s.Layers) : 0.02);
            }
        }
    }

    public long Context { get; }

    public override Tensor forward(Tensor idx)
    {
        var x = drop.forward(wte.forward(idx) + wpe.forward(arange(idx.size(1), ScalarType.Int64)));
        foreach (var block in blocks) x = block.forward(x);
        return head.forward(ln_f.forward(x));
    }
}

internal sealed class StockBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln1, ln2;
    private readonly Linear qkv, proj, fc, mlp_proj;
    private readonly Dropout drop;
    private readonly long _heads;
    private readonly double _dropout;

    public StockBlock(long width, long heads, double dropout) : base("block")
    {
        _heads = heads;
        _dropout = dropout;
        ln1 = nn.LayerNorm(width);
        qkv = nn.Linear(width, 3 * width);
        proj = nn.Linear(width, width);
        ln2 = nn.LayerNorm(width);
        fc = nn.Linear(width, 4 * width);
        mlp_proj = nn.Linear(4 * width, width);
        drop = nn.Dropout(dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long B = x.size(0), T = x.size(1), C = x.size(2);
        var parts = qkv.forward(ln1.forward(x)).split(C, 2);
        Tensor Heads(Tensor t) => t.view(B, T, _heads, C / _heads).transpose(1, 2);
        var y = F.scaled_dot_product_attention(Heads(parts[0]), Heads(parts[1]), Heads(parts[2]), p: training ? _dropout : 0.0, is_casual: true);
        x = x + drop.forward(proj.forward(y.transpose(1, 2).contiguous().view(B, T, C)));
        return x + drop.forward(mlp_proj.forward(F.gelu(fc.forward(ln2.forward(x)))));
    }
}

/// <summary>
/// makemore's fixed-context models written with stock modules: the bigram table (an nn.Embedding of V x V), the MLP
/// (embeddings of the last Context tokens concatenated, Linear + Tanh layers, Linear head) and the WaveNet
/// (FlattenConsecutive(2) -> Linear without bias -> nn.BatchNorm1d -> Tanh per level). Every position of a [B, T]
/// batch is predicted from its window (unfold over the left-padded embeddings).
/// </summary>
internal sealed class StockFixedContextModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte;
    private readonly ModuleList<Linear> layers;
    private readonly ModuleList<BatchNorm1d> norms;
    private readonly Linear? head;
    private readonly bool _wavenet;

    public StockFixedContextModel(BenchSpec s) : base("fixed_context")
    {
        Context = s.Context;
        _wavenet = s.Family == "wavenet";
        bool bigram = s.Family == "bigram";
        wte = nn.Embedding(s.Vocab, bigram ? s.Vocab : s.Embedding);
        var linear = new List<Linear>();
        var batchNorms = new List<BatchNorm1d>();
        for (int l = 0; !bigram && l < s.Layers; l++)
        {
            if (_wavenet)
            {
                linear.Add(nn.Linear(2 * (l == 0 ? s.Embedding : s.Hidden), s.Hidden, hasBias: false));
                batchNorms.Add(nn.BatchNorm1d(s.Hidden));
            }
            else
            {
                linear.Add(nn.Linear(l == 0 ? s.Context * s.Embedding : s.Hidden, s.Hidden));
            }
        }
        layers = new ModuleList<Linear>(linear.ToArray());
        norms = new ModuleList<BatchNorm1d>(batchNorms.ToArray());
        if (!bigram) head = nn.Linear(s.Hidden, s.Vocab);
        RegisterComponents();
    }

    public long Context { get; }

    public override Tensor forward(Tensor idx)
    {
        var e = wte.forward(idx);
        if (head is null) return e;
        long B = idx.size(0), T = idx.size(1);
        var windows = F.pad(e, [0, 0, Context - 1, 0]).unfold(1, Context, 1).permute(0, 1, 3, 2); // [B, T, Context, E]
        Tensor x;
        if (_wavenet)
        {
            x = windows.reshape(B * T, Context, -1);
            for (int l = 0; l < layers.Count; l++)
            {
                long n = x.size(0), pairs = x.size(1) / 2;
                var fused = layers[l].forward(x.reshape(n, pairs, -1));
                x = torch.tanh(norms[l].forward(fused.reshape(n * pairs, -1)).reshape(n, pairs, -1));
            }
            x = x.reshape(B, T, -1);
        }
        else
        {
            x = windows.reshape(B, T, -1);
            foreach (var layer in layers) x = torch.tanh(layer.forward(x));
        }
        return head.forward(x);
    }
}
