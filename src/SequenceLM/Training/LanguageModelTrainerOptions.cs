namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Options shared by every language-model trainer: data windows, the optimisation loop, validation, checkpoints and
/// the device. Family-specific sizes are on <see cref="BigramOptions"/>, <see cref="MlpOptions"/>, <see cref="WaveNetOptions"/>,
/// <see cref="RnnOptions"/>, <see cref="GruOptions"/>, <see cref="LstmOptions"/>
/// and <see cref="TransformerOptions"/>.
/// </summary>
public abstract class LanguageModelTrainerOptions
{
    // ---- data ----
    /// <summary>Rows per batch (parallel streams in sequential mode).</summary>
    public int BatchSize { get; set; } = 32;
    /// <summary>Tokens per training window (truncated BPTT length). Transformers default it to their context length.</summary>
    public int SequenceLength { get; set; } = 64;
    /// <summary>
    /// How the short form cuts windows: <see cref="SequenceLM.WindowMode.Sequential"/> (default for recurrent models:
    /// stateful truncated BPTT), <see cref="SequenceLM.WindowMode.Random"/> (default for the others) or
    /// <see cref="SequenceLM.WindowMode.PerRow"/> (each row, e.g. a name, is one sequence). Ignored for windowed input.
    /// </summary>
    public WindowMode? WindowMode { get; set; }
    /// <summary>Input column: token vectors (the short form builds vocabulary and windows) or windowed keys.</summary>
    public string InputColumnName { get; set; } = "Tokens";
    /// <summary>Smallest count for a token to enter the vocabulary (short form only).</summary>
    public int MinimumTokenCount { get; set; } = 1;
    /// <summary>Largest vocabulary, reserved tokens included, or 0 for no limit (short form only).</summary>
    public int MaximumVocabularySize { get; set; }
    /// <summary>
    /// Keeps only the first N tokens of the training input (rows in order), before any validation split; 0 keeps all.
    /// d2l's <c>load_corpus_time_machine(max_tokens=10000)</c>. The vocabulary is still built from the whole input.
    /// </summary>
    public long MaximumTrainingTokens { get; set; }

    // ---- loop ----
    public int Epochs { get; set; } = 10;
    /// <summary>Stops after this many optimisation steps, whatever the epoch count.</summary>
    public long? MaximumSteps { get; set; }
    /// <summary>Stops once this much wall-clock time has passed (checked after every step).</summary>
    public TimeSpan? TimeBudget { get; set; }
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;
    public float LearningRate { get; set; } = 1e-3f;
    public LearningRateSchedule LearningRateSchedule { get; set; } = LearningRateSchedule.Constant;
    public float Momentum { get; set; }
    public float Beta1 { get; set; } = 0.9f;
    public float Beta2 { get; set; } = 0.999f;
    public float Epsilon { get; set; } = 1e-8f;
    public float WeightDecay { get; set; }
    /// <summary>
    /// False (default): <see cref="WeightDecay"/> applies to matrices and embeddings only, not to biases and
    /// normalisation gains (nanoGPT's and most recipes' practice). True: every parameter decays, as torch.optim does
    /// with a single parameter group.
    /// </summary>
    public bool DecayAllParameters { get; set; }
    /// <summary>Clips the global gradient norm to this value; 0 turns clipping off.</summary>
    public float GradientClipNorm { get; set; } = 5f;
    public float Dropout { get; set; } = 0.2f;

    // ---- validation ----
    /// <summary>Fraction held out for validation when <see cref="ValidationData"/> is not given (0 disables).</summary>
    public float ValidationFraction { get; set; } = 0.1f;
    /// <summary>A separate validation set; it goes through the same preceding transforms as the training data.</summary>
    public IDataView? ValidationData { get; set; }
    /// <summary>Evaluate every N steps; 0 evaluates at the end of each epoch.</summary>
    public int EvaluateEveryNSteps { get; set; }
    /// <summary>Caps the validation batches per evaluation (0: the whole validation set).</summary>
    public int MaximumValidationBatches { get; set; }
    /// <summary>Stops after this many evaluations without a better validation loss; 0 never stops early.</summary>
    public int EarlyStoppingPatience { get; set; }
    /// <summary>Returns the weights with the best validation loss rather than the last ones.</summary>
    public bool KeepBestWeights { get; set; } = true;

    // ---- checkpoints ----
    public string? CheckpointDirectory { get; set; }
    /// <summary>Writes a checkpoint every N steps (0: at the end of each epoch) when a directory is set.</summary>
    public int CheckpointEveryNSteps { get; set; }
    /// <summary>Resumes from the checkpoint in this directory (written by an earlier run with the same options).</summary>
    public string? ResumeFromCheckpoint { get; set; }

    // ---- runtime ----
    /// <summary>"cpu", "cuda", "cuda:N" or "auto" (CUDA when available).</summary>
    public string Device { get; set; } = "auto";
    /// <summary>Seed for initialisation, data order and dropout; defaults to the context's seed.</summary>
    public int? Seed { get; set; }
    /// <summary>Receives a report after every step and every evaluation.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }
    /// <summary>Stops training cleanly; the model trained so far (best weights) is returned.</summary>
    public CancellationToken CancellationToken { get; set; }
    /// <summary>Report training loss to <see cref="Progress"/> every N steps (1: every step).</summary>
    public int ReportEveryNSteps { get; set; } = 1;
    /// <summary>
    /// Data-parallel training over MPI (Open MPI): every process started by <c>mpirun -np N</c> trains on
    /// <see cref="BatchSize"/> rows of each global batch of N x BatchSize rows, gradients are averaged with one
    /// all-reduce per step, and rank 0 alone validates, writes checkpoints and reports progress. Null (the default):
    /// on when the process was started by mpirun with more than one process; false: always one process. See docs/distributed.md.
    /// </summary>
    public bool? Distributed { get; set; }

    internal abstract ModelFamily Family { get; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public virtual void Validate()
    {
        Positive(BatchSize, nameof(BatchSize));
        Positive(SequenceLength, nameof(SequenceLength));
        Positive(Epochs, nameof(Epochs));
        if (MaximumSteps is <= 0) throw Range(nameof(MaximumSteps), MaximumSteps, "must be positive when set");
        if (TimeBudget is { } budget && budget <= TimeSpan.Zero) throw Range(nameof(TimeBudget), budget, "must be positive when set");
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw Range(nameof(LearningRate), LearningRate, "must be a positive number");
        if (!(Dropout >= 0 && Dropout < 1)) throw Range(nameof(Dropout), Dropout, "must be in [0, 1)");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) throw Range(nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
        if (!(GradientClipNorm >= 0)) throw Range(nameof(GradientClipNorm), GradientClipNorm, "must be 0 (off) or positive");
        if (!(WeightDecay >= 0)) throw Range(nameof(WeightDecay), WeightDecay, "cannot be negative");
        if (!(Momentum >= 0 && Momentum < 1)) throw Range(nameof(Momentum), Momentum, "must be in [0, 1)");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw Range(nameof(Beta1), Beta1, "must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw Range(nameof(Beta2), Beta2, "must be in [0, 1)");
        if (!(Epsilon > 0)) throw Range(nameof(Epsilon), Epsilon, "must be positive");
        if (EvaluateEveryNSteps < 0) throw Range(nameof(EvaluateEveryNSteps), EvaluateEveryNSteps, "cannot be negative");
        if (EarlyStoppingPatience < 0) throw Range(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "cannot be negative");
        if (CheckpointEveryNSteps < 0) throw Range(nameof(CheckpointEveryNSteps), CheckpointEveryNSteps, "cannot be negative");
        if (MinimumTokenCount < 1) throw Range(nameof(MinimumTokenCount), MinimumTokenCount, "must be at least 1");
        if (MaximumTrainingTokens < 0) throw Range(nameof(MaximumTrainingTokens), MaximumTrainingTokens, "must be 0 (all) or positive");
        if (MaximumVocabularySize < 0) throw Range(nameof(MaximumVocabularySize), MaximumVocabularySize, "must be 0 (no limit) or positive");
        if (ReportEveryNSteps < 1) throw Range(nameof(ReportEveryNSteps), ReportEveryNSteps, "must be at least 1");
        if (string.IsNullOrWhiteSpace(Device)) throw new ArgumentException("Device must be \"cpu\", \"cuda\", \"cuda:N\" or \"auto\".", nameof(Device));
        LearningRateSchedule.Validate();
    }

    protected static void Positive(long value, string name)
    {
        if (value <= 0) throw Range(name, value, "must be positive");
    }

    protected static ArgumentOutOfRangeException Range(string name, object? value, string rule) =>
        new(name, value, $"{name} {rule} (got {value}).");
}
