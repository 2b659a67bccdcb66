namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>Where the training loop gets its batches: one enumeration per epoch, reproducible from the seed.</summary>
internal interface ITrainingBatchSource
{
    /// <summary>The batches of one epoch; <paramref name="shuffle"/> null gives the fixed order used for evaluation.</summary>
    IEnumerable<TokenBatch> Batches(Random? shuffle);

    /// <summary>Whether consecutive batches continue the same streams (stateful truncated BPTT is possible).</summary>
    bool IsSequential { get; }
}
