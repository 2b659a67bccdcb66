using Microsoft.ML.SequenceLM.Models;

namespace Microsoft.ML.SequenceLM;

/// <summary>The architecture of a trained language model: everything needed to rebuild it before loading weights.</summary>
public sealed record LanguageModelConfig
{
    public ModelFamily Family { get; init; }
    public int VocabularySize { get; init; }
    /// <summary>Recurrent: embedding width, 0 for one-hot input. Transformer: equals <see cref="HiddenSize"/>. MLP, WaveNet: per token.</summary>
    public int EmbeddingSize { get; init; }
    /// <summary>Recurrent: hidden state width. Transformer: model width. MLP, WaveNet: hidden width. Bigram: the vocabulary size.</summary>
    public int HiddenSize { get; init; }
    /// <summary>MLP: hidden layers. WaveNet: levels, log2(<see cref="ContextLength"/>). Bigram: 1.</summary>
    public int NumberOfLayers { get; init; }
    public int NumberOfHeads { get; init; }
    /// <summary>Transformer: the longest window. Bigram (1), MLP, WaveNet: the tokens each prediction sees.</summary>
    public int ContextLength { get; init; }
    public int FeedForwardSize { get; init; }
    public PositionalEncoding Positional { get; init; }
    public float Dropout { get; init; }
    public bool TieWeights { get; init; }
    /// <summary>Transformer: linear and normalisation layers have biases (false: nanoGPT's bias=False, the head too).</summary>
    public bool Bias { get; init; } = true;
    /// <summary>Transformer: how the weights were initialised (kept for the record; loading replaces them).</summary>
    public TransformerInitialization Initialization { get; init; }
    /// <summary>Transformer: the feed-forward layer's GELU.</summary>
    public GeluApproximation Gelu { get; init; }
    /// <summary>Target key that carries no loss (padding in per-row mode), or -1.</summary>
    public long IgnoreIndex { get; init; } = -1;

    public bool IsRecurrent => Family is ModelFamily.RnnTanh or ModelFamily.RnnRelu or ModelFamily.Gru or ModelFamily.Lstm;

    internal ModelSettings ToEngineSettings(ulong seed) => new()
    {
        Family = (int)Family,
        NumLayers = NumberOfLayers,
        VocabSize = VocabularySize,
        EmbeddingSize = EmbeddingSize,
        HiddenSize = HiddenSize,
        NumHeads = NumberOfHeads,
        Positional = Positional == PositionalEncoding.Sinusoidal ? 1 : 0,
        ContextLength = ContextLength,
        FfnSize = FeedForwardSize,
        Dropout = Dropout,
        TieWeights = TieWeights ? 1 : 0,
        NoBias = !Bias,
        Initialization = (int)Initialization,
        Gelu = (int)Gelu,
        IgnoreIndex = IgnoreIndex,
        Seed = seed,
    };

    /// <summary>The family's name as the PyTorch verification script spells it.</summary>
    public string FamilyName => Family switch
    {
        ModelFamily.RnnTanh => "rnn_tanh",
        ModelFamily.RnnRelu => "rnn_relu",
        ModelFamily.Gru => "gru",
        ModelFamily.Lstm => "lstm",
        ModelFamily.Bigram => "bigram",
        ModelFamily.Mlp => "mlp",
        ModelFamily.WaveNet => "wavenet",
        _ => "transformer",
    };
}
