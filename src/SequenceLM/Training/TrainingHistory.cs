namespace Microsoft.ML.SequenceLM;

/// <summary>
/// One row of a training history: the state after a step that was reported or evaluated. <see cref="Epoch"/> counts
/// from 0; <see cref="TrainLoss"/> averages the steps since the previous record; <see cref="ValidationLoss"/> is set on
/// rows that follow an evaluation.
/// </summary>
public sealed record TrainingRecord(
    long Step,
    int Epoch,
    double TrainLoss,
    double? ValidationLoss,
    float LearningRate,
    double TokensPerSecond,
    double ElapsedSeconds);

/// <summary>Why a training run ended.</summary>
public enum TrainingStopReason
{
    Completed,
    StepBudget,
    TimeBudget,
    EarlyStopping,
    Cancelled,
    /// <summary>The loss became NaN or infinite; the last good weights were kept.</summary>
    NonFiniteLoss,
}

/// <summary>What happened during training: the curve, the best validation loss and why it stopped.</summary>
public sealed class TrainingHistory
{
    public List<TrainingRecord> Records { get; init; } = new();
    public double? BestValidationLoss { get; set; }
    public long BestStep { get; set; }
    public TrainingStopReason StopReason { get; set; }
    /// <summary>A sentence about the stop (e.g. the step where the loss became NaN).</summary>
    public string? StopMessage { get; set; }
    public long TotalSteps { get; set; }
    public double TotalSeconds { get; set; }
    /// <summary>
    /// Data-parallel training: seconds this process spent in the per-step all-reduce of gradients, waiting for the
    /// slowest process included (0 in one process).
    /// </summary>
    public double AllReduceSeconds { get; set; }
}
