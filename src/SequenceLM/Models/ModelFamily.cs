namespace Microsoft.ML.SequenceLM;

/// <summary>The kind of network a language model is.</summary>
public enum ModelFamily
{
    /// <summary>Elman RNN with tanh non-linearity.</summary>
    RnnTanh,
    /// <summary>Elman RNN with ReLU non-linearity.</summary>
    RnnRelu,
    Gru,
    Lstm,
    /// <summary>Decoder-only Transformer (causal self-attention, pre-norm, GELU).</summary>
    Transformer,
    /// <summary>Bigram: a table of next-token logits per token, trained by gradient or fitted from smoothed counts.</summary>
    Bigram,
    /// <summary>Bengio et al. (2003), makemore's MLP: embeddings of the last ContextLength tokens, tanh hidden layers, output layer.</summary>
    Mlp,
    /// <summary>makemore's WaveNet: embeddings of the last ContextLength tokens fused pairwise, level by level (linear, batch norm, tanh).</summary>
    WaveNet,
}

/// <summary>How a Transformer encodes positions.</summary>
public enum PositionalEncoding
{
    Learned,
    Sinusoidal,
}
