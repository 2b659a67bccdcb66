namespace Microsoft.ML.SequenceLM;

/// <summary>Sizes of a decoder-only Transformer (causal self-attention, pre-norm, GELU), nanoGPT style.</summary>
public sealed class TransformerOptions : LanguageModelTrainerOptions
{
    public TransformerOptions()
    {
        SequenceLength = 64;
        Dropout = 0.1f;
        GradientClipNorm = 1f;
        LearningRateSchedule = LearningRateSchedule.Cosine(warmupSteps: 100);
        Optimizer = OptimizerKind.AdamW;
        WeightDecay = 0.1f;
        Beta2 = 0.99f;
    }

    /// <summary>Model width (embedding size).</summary>
    public int Width { get; set; } = 128;
    public int NumberOfHeads { get; set; } = 4;
    public int NumberOfLayers { get; set; } = 4;
    /// <summary>Longest context; defaults to <see cref="LanguageModelTrainerOptions.SequenceLength"/>.</summary>
    public int? ContextLength { get; set; }
    /// <summary>Feed-forward width; 0 means 4 x <see cref="Width"/>.</summary>
    public int FeedForwardSize { get; set; }
    public PositionalEncoding Positional { get; set; } = PositionalEncoding.Learned;
    public bool TieWeights { get; set; } = true;
    /// <summary>Biases in the linear and LayerNorm layers and the head; false is nanoGPT's bias=False (fewer parameters).</summary>
    public bool Bias { get; set; } = true;
    /// <summary>GPT-2 style N(0, 0.02) with scaled residual projections (default), or PyTorch's module defaults.</summary>
    public TransformerInitialization Initialization { get; set; } = TransformerInitialization.Gpt2;
    /// <summary>The feed-forward layer's GELU: exact (default) or the tanh approximation.</summary>
    public GeluApproximation Gelu { get; set; } = GeluApproximation.None;

    internal override ModelFamily Family => ModelFamily.Transformer;

    internal int EffectiveContextLength => ContextLength ?? SequenceLength;

    public override void Validate()
    {
        base.Validate();
        Positive(Width, nameof(Width));
        Positive(NumberOfHeads, nameof(NumberOfHeads));
        Positive(NumberOfLayers, nameof(NumberOfLayers));
        if (ContextLength is <= 0) throw Range(nameof(ContextLength), ContextLength, "must be positive when set");
        if (!Enum.IsDefined(Initialization)) throw Range(nameof(Initialization), Initialization, "must be Gpt2 or PyTorchDefaults");
        if (!Enum.IsDefined(Gelu)) throw Range(nameof(Gelu), Gelu, "must be None or Tanh");
        if (FeedForwardSize < 0) throw Range(nameof(FeedForwardSize), FeedForwardSize, "must be 0 (4 x Width) or positive");
        if (Width % NumberOfHeads != 0)
            throw new ArgumentException(
                $"NumberOfHeads ({NumberOfHeads}) must divide Width ({Width}); choose a head count such as {LargestDivisor(Width, NumberOfHeads)}.",
                nameof(NumberOfHeads));
        if (SequenceLength > EffectiveContextLength)
            throw new ArgumentException(
                $"SequenceLength ({SequenceLength}) cannot exceed ContextLength ({EffectiveContextLength}).", nameof(SequenceLength));
    }

    private static int LargestDivisor(int width, int near)
    {
        for (int h = near; h >= 1; h--) if (width % h == 0) return h;
        return 1;
    }
}
