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

/// <summary>How a Transformer's weights start.</summary>
public enum TransformerInitialization
{
    /// <summary>GPT-2 / nanoGPT: weights N(0, 0.02), residual projections N(0, 0.02 / sqrt(2 x layers)), zero biases.</summary>
    Gpt2,
    /// <summary>PyTorch's module defaults: Linear Kaiming-uniform, Embedding N(0, 1), LayerNorm ones and zeros.</summary>
    PyTorchDefaults,
}

/// <summary>Which GELU the Transformer's feed-forward layer uses (torch.nn.functional.gelu's approximate argument).</summary>
public enum GeluApproximation
{
    /// <summary>The exact, erf-based GELU.</summary>
    None,
    /// <summary>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as GPT-2 trained with.</summary>
    Tanh,
}
