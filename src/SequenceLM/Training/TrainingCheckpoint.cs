namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>The loop's position and bookkeeping, saved beside the weights and optimizer state of a checkpoint.</summary>
internal sealed record TrainingCheckpoint
{
    public int FormatVersion { get; init; } = 1;
    public int Epoch { get; init; }
    /// <summary>Batches of <see cref="Epoch"/> already trained on.</summary>
    public int BatchInEpoch { get; init; }
    public long Step { get; init; }
    /// <summary>Rows per step over all processes (processes x BatchSize); 0 in checkpoints that predate it.</summary>
    public int GlobalBatchSize { get; init; }
    public float LearningRate { get; init; }
    public double SchedulerBest { get; init; } = double.PositiveInfinity;
    public int SchedulerWaits { get; init; }
    public int EvaluationsWithoutImprovement { get; init; }
    public double? BestValidationLoss { get; init; }
    public long BestStep { get; init; }
    public double ElapsedSeconds { get; init; }
    public List<TrainingRecord> Records { get; init; } = new();
}
