namespace Microsoft.ML.SequenceLM;

/// <summary>Sizes of a recurrent language model (embedding → stacked RNN/GRU/LSTM → dropout → linear head).</summary>
public abstract class RecurrentOptions : LanguageModelTrainerOptions
{
    /// <summary>Embedding width; 0 feeds one-hot vectors of the vocabulary size instead (char-rnn style).</summary>
    public int EmbeddingSize { get; set; } = 128;
    public int HiddenSize { get; set; } = 256;
    public int NumberOfLayers { get; set; } = 2;
    /// <summary>Shares the embedding matrix with the output layer (needs EmbeddingSize == HiddenSize).</summary>
    public bool TieWeights { get; set; }
    /// <summary>Carries the hidden state across consecutive windows (truncated BPTT) in sequential mode.</summary>
    public bool Stateful { get; set; } = true;

    public override void Validate()
    {
        base.Validate();
        if (EmbeddingSize < 0) throw Range(nameof(EmbeddingSize), EmbeddingSize, "must be 0 (one-hot) or positive");
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(NumberOfLayers, nameof(NumberOfLayers));
        if (TieWeights && EmbeddingSize != HiddenSize)
            throw new ArgumentException(
                $"TieWeights needs EmbeddingSize == HiddenSize (got {EmbeddingSize} and {HiddenSize}); set them equal or turn TieWeights off.",
                nameof(TieWeights));
    }
}

/// <summary>Non-linearity of an Elman RNN.</summary>
public enum RnnNonlinearity
{
    Tanh,
    Relu,
}

/// <summary>Options of the Elman RNN trainer.</summary>
public sealed class RnnOptions : RecurrentOptions
{
    public RnnNonlinearity Nonlinearity { get; set; } = RnnNonlinearity.Tanh;
    internal override ModelFamily Family => Nonlinearity == RnnNonlinearity.Relu ? ModelFamily.RnnRelu : ModelFamily.RnnTanh;
}

/// <summary>Options of the GRU trainer.</summary>
public sealed class GruOptions : RecurrentOptions
{
    internal override ModelFamily Family => ModelFamily.Gru;
}

/// <summary>Options of the LSTM trainer.</summary>
public sealed class LstmOptions : RecurrentOptions
{
    internal override ModelFamily Family => ModelFamily.Lstm;
}
