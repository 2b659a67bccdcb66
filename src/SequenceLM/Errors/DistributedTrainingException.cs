namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Data-parallel training over MPI cannot start or cannot go on: Open MPI is missing, another process of the job failed
/// before training began, or a checkpoint was written with another global batch. The message says what to change.
/// </summary>
public sealed class DistributedTrainingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DistributedTrainingException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
