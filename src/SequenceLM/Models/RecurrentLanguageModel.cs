using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Embedding (or one-hot) -> dropout -> stacked nn.RNN (tanh, relu) / nn.GRU / nn.LSTM -> dropout -> linear head, with
/// optional weight tying; PyTorch's word_language_model. Parameter names: embedding.weight, rnn.weight_ih_l0, ...,
/// head.weight, head.bias.
/// </summary>
internal sealed class RecurrentLanguageModel : LanguageModel
{
    private readonly Embedding? embedding;
    private readonly nn.Module rnn;
    private readonly Dropout dropout;
    private readonly OutputHead head;

    private readonly ModelFamily _family;
    private readonly long _vocab, _hidden;
    private readonly double _between;

    public RecurrentLanguageModel(in ModelSettings c) : base("recurrent", c)
    {
        _family = c.ModelFamily;
        _vocab = c.VocabSize;
        _hidden = c.HiddenSize;
        bool tied = c.TieWeights != 0;
        long input = c.EmbeddingSize > 0 ? c.EmbeddingSize : c.VocabSize;
        if (c.EmbeddingSize > 0)
        {
            embedding = nn.Embedding(c.VocabSize, c.EmbeddingSize);
            // Tied weights also serve as the output layer, where N(0, 1) would give huge initial logits; this is the
            // range PyTorch's word_language_model example uses.
            if (tied)
                using (no_grad())
                    nn.init.uniform_(embedding.weight!, -0.1, 0.1);
        }
        // Dropout between layers only exists with more than one layer (PyTorch warns otherwise).
        double between = _between = c.NumLayers > 1 ? c.Dropout : 0.0;
        rnn = _family switch
        {
            ModelFamily.RnnTanh => nn.RNN(input, c.HiddenSize, c.NumLayers, nn.NonLinearities.Tanh, batchFirst: true, dropout: between),
            ModelFamily.RnnRelu => nn.RNN(input, c.HiddenSize, c.NumLayers, nn.NonLinearities.ReLU, batchFirst: true, dropout: between),
            ModelFamily.Gru => nn.GRU(input, c.HiddenSize, c.NumLayers, batchFirst: true, dropout: between),
            _ => nn.LSTM(input, c.HiddenSize, c.NumLayers, batchFirst: true, dropout: between),
        };
        dropout = nn.Dropout(c.Dropout);
        head = new OutputHead(c.HiddenSize, c.VocabSize, tied);
        RegisterComponents();
    }

    public override (Tensor Logits, Tensor? Loss) forward(Tensor tokens, Tensor? targets)
    {
        var (logits, loss, _) = forward(tokens, targets, null);
        return (logits, loss);
    }

    /// <summary>Runs from <paramref name="state"/> (zeros when null) and also returns the final state.</summary>
    public (Tensor Logits, Tensor? Loss, RecurrentState State) forward(Tensor tokens, Tensor? targets, RecurrentState? state)
    {
        var (output, next) = Recur(Embed(tokens), state);
        var logits = Logits(output);
        return (logits, targets is null ? null : SequenceLoss(logits, targets), next);
    }

    internal Tensor Embed(Tensor tokens) => embedding is not null
        ? dropout.forward(embedding.forward(tokens))
        : nn.functional.one_hot(tokens, _vocab).to(ScalarType.Float32);

    internal Tensor Logits(Tensor hidden) => head.forward(dropout.forward(hidden), embedding?.weight);

    private (Tensor Output, RecurrentState State) Recur(Tensor x, RecurrentState? state)
    {
        if (FusedRecurrence.Runs(_family, x, _hidden))
        {
            var (fused, final) = FusedRecurrence.Layers(_family, x, state?.H, LayerWeights(), _between, rnn.training);
            return (fused, new RecurrentState(final, null));
        }
        switch (rnn)
        {
            case LSTM lstm:
                var (output, h, c) = lstm.forward(x, state is null ? null : (state.H, state.C!));
                return (output, new RecurrentState(h, c));
            case GRU gru:
                var (gruOutput, gruH) = gru.forward(x, state?.H);
                return (gruOutput, new RecurrentState(gruH, null));
            default:
                var (rnnOutput, rnnH) = ((RNN)rnn).forward(x, state?.H);
                return (rnnOutput, new RecurrentState(rnnH, null));
        }
    }

    /// <summary>
    /// One time step for tokens [B] from <paramref name="state"/> (zeros when null), with the cells' formulas
    /// (<see cref="RecurrentCell"/>): logits [B, V] and the next state. Generation runs this instead of the module,
    /// whose CPU LSTM prepares its weights on every call (measured 68 tokens/s at batch 1 for a 2x512 LSTM); an LSTM
    /// step of <see cref="ModuleStepMinBatch"/> rows or more goes through the module after all.
    /// </summary>
    internal (Tensor Logits, RecurrentState State) Step(Tensor tokens, RecurrentState? state)
    {
        var x = Embed(tokens);
        if (rnn is LSTM && tokens.size(0) >= ModuleStepMinBatch)
        {
            var (output, stepped) = Recur(x.unsqueeze(1), state);
            return (Logits(output.squeeze(1)), stepped);
        }
        var weights = LayerWeights();
        long batch = tokens.size(0), hidden = weights[0].WeightHh.size(1);
        var hs = new Tensor[weights.Count];
        var cs = new Tensor[weights.Count];
        for (int l = 0; l < weights.Count; l++)
        {
            var h = state?.H[l] ?? zeros(batch, hidden, x.dtype, x.device);
            var c = state?.C?[l] ?? zeros(batch, hidden, x.dtype, x.device);
            (hs[l], cs[l]) = RecurrentCell.Step(_family, x, h, c, weights[l]);
            x = hs[l];
        }
        var next = new RecurrentState(stack(hs), _family == ModelFamily.Lstm ? stack(cs) : null);
        return (Logits(x), next);
    }

    /// <summary>
    /// From this many rows an LSTM step runs through the module, whose weight preparation then costs less than the
    /// separate products and gate operations of the cell formulas (char-LSTM 2x512 generation at 32 rows: 0.91x stock
    /// TorchSharp through the cells, 1.03–1.08x through the module; docs/performance.md).
    /// </summary>
    private const long ModuleStepMinBatch = 16;

    private IReadOnlyList<RecurrentCell.Weights> LayerWeights() => RecurrentCell.Layers(rnn);

    /// <summary>
    /// The top layer's hidden state after each step, [B, H] each, computed one step at a time with the cells'
    /// formulas, so that gradients with respect to each of them can be taken (the fused modules do not expose them).
    /// </summary>
    internal IReadOnlyList<Tensor> TopStates(Tensor x)
    {
        var weights = LayerWeights();
        int layers = weights.Count;
        long batch = x.size(0), hidden = weights[0].WeightHh.size(1);
        var h = Enumerable.Range(0, layers).Select(_ => zeros(batch, hidden, x.dtype, x.device)).ToArray();
        var c = Enumerable.Range(0, layers).Select(_ => zeros(batch, hidden, x.dtype, x.device)).ToArray();
        var tops = new List<Tensor>();
        for (long t = 0; t < x.size(1); t++)
        {
            var input = x.select(1, t);
            for (int l = 0; l < layers; l++)
            {
                (h[l], c[l]) = RecurrentCell.Step(_family, input, h[l], c[l], weights[l]);
                input = h[l];
            }
            tops.Add(h[layers - 1]);
        }
        return tops;
    }
}
