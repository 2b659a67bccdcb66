namespace Microsoft.ML.SequenceLM;

/// <summary>
/// How the learning rate changes during training. Use the static factories:
/// <see cref="Constant"/>, <see cref="EpochDecay"/>, <see cref="Cosine"/>, <see cref="ReduceOnPlateau"/>.
/// </summary>
public abstract record LearningRateSchedule
{
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>Divides the rate by <paramref name="divisor"/> after every epoch (e.g. 1.15 in the word-level PTB recipes).</summary>
    public static LearningRateSchedule EpochDecay(float divisor) => new EpochDecaySchedule(divisor);

    /// <summary>Linear warm-up for <paramref name="warmupSteps"/>, then cosine decay to <paramref name="minimumFraction"/> of the rate at the last step.</summary>
    public static LearningRateSchedule Cosine(int warmupSteps = 0, float minimumFraction = 0.1f) => new CosineSchedule(warmupSteps, minimumFraction);

    /// <summary>Multiplies the rate by <paramref name="factor"/> when validation loss has not improved for <paramref name="patience"/> evaluations.</summary>
    public static LearningRateSchedule ReduceOnPlateau(float factor = 0.5f, int patience = 2, float minimumRate = 1e-6f) =>
        new ReduceOnPlateauSchedule(factor, patience, minimumRate);

    internal abstract void Validate();
}

internal sealed record ConstantSchedule : LearningRateSchedule
{
    internal override void Validate() { }
}

internal sealed record EpochDecaySchedule(float Divisor) : LearningRateSchedule
{
    internal override void Validate()
    {
        if (!(Divisor >= 1f)) throw new ArgumentOutOfRangeException(nameof(Divisor), Divisor, "EpochDecay's divisor must be at least 1.");
    }
}

internal sealed record CosineSchedule(int WarmupSteps, float MinimumFraction) : LearningRateSchedule
{
    internal override void Validate()
    {
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "Warm-up steps cannot be negative.");
        if (MinimumFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MinimumFraction), MinimumFraction, "Must be in [0, 1].");
    }
}

internal sealed record ReduceOnPlateauSchedule(float Factor, int Patience, float MinimumRate) : LearningRateSchedule
{
    internal override void Validate()
    {
        if (Factor is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "ReduceOnPlateau's factor must be in (0, 1).");
        if (Patience < 0) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience cannot be negative.");
    }
}
