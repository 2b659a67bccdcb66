namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Options of the models that see a fixed number of previous tokens (<see cref="BigramOptions"/>, <see cref="MlpOptions"/>,
/// <see cref="WaveNetOptions"/>). They keep no state between windows, so the short form cuts random windows by default;
/// per-row data (names) works as for the other families.
/// </summary>
public abstract class FixedContextOptions : LanguageModelTrainerOptions
{
    private protected FixedContextOptions()
    {
        Dropout = 0f;
    }
}

/// <summary>Sizes shared by the MLP and WaveNet: the context, the token embedding and the hidden width.</summary>
public abstract class EmbeddedContextOptions : FixedContextOptions
{
    private protected EmbeddedContextOptions(int context, int embedding, int hidden)
    {
        ContextLength = context;
        EmbeddingSize = embedding;
        HiddenSize = hidden;
        LearningRate = 3e-3f;
    }

    /// <summary>How many previous tokens (the current one included) each prediction sees.</summary>
    public int ContextLength { get; set; }
    /// <summary>Width of each token's embedding.</summary>
    public int EmbeddingSize { get; set; }
    /// <summary>Width of the hidden layers.</summary>
    public int HiddenSize { get; set; }

    public override void Validate()
    {
        base.Validate();
        Positive(ContextLength, nameof(ContextLength));
        Positive(EmbeddingSize, nameof(EmbeddingSize));
        Positive(HiddenSize, nameof(HiddenSize));
    }
}

/// <summary>
/// Options of the bigram trainer: a table of next-token logits per token. Trained by gradient through the shared
/// loop, or, with <see cref="Smoothing"/> set, fitted in one pass from the bigram counts of the training windows.
/// </summary>
public sealed class BigramOptions : FixedContextOptions
{
    public BigramOptions()
    {
        LearningRate = 0.05f;
    }

    /// <summary>
    /// null (default): the neural bigram, trained by gradient. A value k &gt;= 0: the counting form, each row of the table
    /// set to log((counts + k) / (row count + V k)) from one pass over the training windows (k = 1 is add-one smoothing).
    /// </summary>
    public float? Smoothing { get; set; }

    internal override ModelFamily Family => ModelFamily.Bigram;

    public override void Validate()
    {
        base.Validate();
        if (Smoothing is { } k && !(k >= 0 && float.IsFinite(k)))
            throw Range(nameof(Smoothing), k, "must be null (train by gradient) or a finite count >= 0 added to every bigram");
        if (Dropout != 0)
            throw Range(nameof(Dropout), Dropout, "must be 0 for a bigram, which has no layer to drop out of");
    }
}

/// <summary>Options of the MLP trainer (Bengio et al. 2003, makemore's MLP): embeddings of the context, tanh hidden layers, output layer.</summary>
public sealed class MlpOptions : EmbeddedContextOptions
{
    public MlpOptions() : base(context: 3, embedding: 10, hidden: 200) { }

    /// <summary>Hidden layers (linear + tanh) between the concatenated embeddings and the output layer.</summary>
    public int NumberOfLayers { get; set; } = 1;

    internal override ModelFamily Family => ModelFamily.Mlp;

    public override void Validate()
    {
        base.Validate();
        Positive(NumberOfLayers, nameof(NumberOfLayers));
    }
}

/// <summary>
/// Options of the WaveNet trainer (makemore's hierarchical model): the embeddings of the context fused pairwise, level
/// by level (linear, batch norm, tanh); <see cref="EmbeddedContextOptions.ContextLength"/> must be a power of two.
/// </summary>
public sealed class WaveNetOptions : EmbeddedContextOptions
{
    public WaveNetOptions() : base(context: 8, embedding: 24, hidden: 128) { }

    internal override ModelFamily Family => ModelFamily.WaveNet;

    internal int Levels => Models.WaveNetLanguageModel.WaveNetLevels(ContextLength);

    public override void Validate()
    {
        base.Validate();
        if (Levels < 1)
            throw Range(nameof(ContextLength), ContextLength,
                $"must be a power of two (2, 4, 8, 16, ...), since each level fuses pairs of positions; try {NearestPowerOfTwo(ContextLength)}");
    }

    private static int NearestPowerOfTwo(int n) => n < 2 ? 2 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n);
}
