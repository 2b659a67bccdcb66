namespace Microsoft.ML.SequenceLM;

/// <summary>A progress report from a running trainer.</summary>
public sealed record TrainingProgress
{
    /// <summary>Optimisation steps done so far.</summary>
    public long Step { get; init; }
    /// <summary>The epoch in progress, counted from 0.</summary>
    public int Epoch { get; init; }
    /// <summary>Fraction of the planned work done, in [0, 1] (by steps, epochs or time budget, whichever ends first).</summary>
    public double Fraction { get; init; }
    /// <summary>Average training loss (nats/token) since the previous report.</summary>
    public double TrainLoss { get; init; }
    /// <summary>Set on reports that follow an evaluation.</summary>
    public double? ValidationLoss { get; init; }
    public double? BestValidationLoss { get; init; }
    public float LearningRate { get; init; }
    public double TokensPerSecond { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>Estimated time left, when it can be estimated.</summary>
    public TimeSpan? Remaining { get; init; }
}
