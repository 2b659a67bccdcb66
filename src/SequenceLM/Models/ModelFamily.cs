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
}

/// <summary>How a Transformer encodes positions.</summary>
public enum PositionalEncoding
{
    Learned,
    Sinusoidal,
}
