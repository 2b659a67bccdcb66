namespace Microsoft.ML.SequenceLM;

/// <summary>
/// One training batch of token ids, laid out row-major as <c>[BatchSize, SequenceLength]</c> int64 buffers ready to
/// hand to the engine. <see cref="Targets"/> are the next tokens of <see cref="Inputs"/>.
/// </summary>
public sealed class TokenBatch
{
    /// <summary>The <see cref="IgnoreIndex"/> of batches without padding (PyTorch's default, never a valid key).</summary>
    public const long NoIgnoreIndex = -100;

    /// <summary>Creates a batch; the buffers are used as given (not copied).</summary>
    public TokenBatch(long[] inputs, long[] targets, int batchSize, int sequenceLength, bool continuesPrevious,
        long ignoreIndex = NoIgnoreIndex, int index = 0, int[]? rowLengths = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (batchSize < 1 || sequenceLength < 1 || inputs.Length != (long)batchSize * sequenceLength || targets.Length != inputs.Length)
            throw new ArgumentException($"Inputs and targets must both hold batchSize x sequenceLength = {batchSize} x {sequenceLength} keys; got {inputs.Length} and {targets.Length}.");
        Inputs = inputs;
        Targets = targets;
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        ContinuesPrevious = continuesPrevious;
        IgnoreIndex = ignoreIndex;
        Index = index;
        RowLengths = rowLengths;
    }

    /// <summary>Input keys, row-major <c>[BatchSize, SequenceLength]</c>.</summary>
    public long[] Inputs { get; }

    /// <summary>Target keys (inputs shifted by one), row-major <c>[BatchSize, SequenceLength]</c>.</summary>
    public long[] Targets { get; }

    /// <summary>The number of sequences (rows).</summary>
    public int BatchSize { get; }

    /// <summary>The number of time steps (columns).</summary>
    public int SequenceLength { get; }

    /// <summary>
    /// True when row <c>b</c> of this batch continues row <c>b</c> of the previous batch (sequential mode, after the
    /// first batch of an epoch): a stateful trainer keeps (detached) hidden state; otherwise it resets it.
    /// </summary>
    public bool ContinuesPrevious { get; }

    /// <summary>
    /// The target value the loss must ignore: the <c>&lt;pad&gt;</c> key in per-row mode, otherwise
    /// <see cref="NoIgnoreIndex"/> (-100).
    /// </summary>
    public long IgnoreIndex { get; }

    /// <summary>The batch's index within its epoch (0-based).</summary>
    public int Index { get; }

    /// <summary>Per-row mode: the number of real (non-padding) time steps of each row; null in other modes.</summary>
    public int[]? RowLengths { get; }

    /// <summary>The inputs of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<long> InputRow(int row) => Inputs.AsSpan(checked(row * SequenceLength), SequenceLength);

    /// <summary>The targets of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<long> TargetRow(int row) => Targets.AsSpan(checked(row * SequenceLength), SequenceLength);
}
