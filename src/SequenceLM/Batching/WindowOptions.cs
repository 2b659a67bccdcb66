namespace Microsoft.ML.SequenceLM;

/// <summary>How token sequences are cut into training windows.</summary>
public enum WindowMode
{
    /// <summary>
    /// The corpus (all rows' tokens concatenated) is split into <see cref="WindowOptions.BatchSize"/> parallel streams;
    /// batch <c>i</c> holds the <c>i</c>-th window of each stream, so a batch continues the previous one row by row
    /// (for stateful truncated back-propagation through time). As d2l's <c>seq_data_iter_sequential</c>.
    /// </summary>
    Sequential,
    /// <summary>
    /// A random offset, then non-overlapping windows in shuffled order, drawn anew per epoch.
    /// As d2l's <c>seq_data_iter_random</c>. Batches do not continue each other.
    /// </summary>
    Random,
    /// <summary>
    /// Each row is one sequence <c>&lt;bos&gt; tokens &lt;eos&gt;</c> (e.g. a name); input = all but the last key,
    /// target = all but the first; rows are padded with <c>&lt;pad&gt;</c>, which is the loss's ignore index.
    /// </summary>
    PerRow,
}

/// <summary>The length rows are padded to in <see cref="WindowMode.PerRow"/>.</summary>
public enum PerRowPadding
{
    /// <summary>Pad to the longest row of each batch (at most <see cref="WindowOptions.SequenceLength"/>).</summary>
    LongestInBatch,
    /// <summary>Pad every row to <see cref="WindowOptions.SequenceLength"/>.</summary>
    SequenceLength,
}

/// <summary>Options of the windowing transform and of <see cref="TokenWindows"/>.</summary>
public sealed class WindowOptions
{
    /// <summary>The largest accepted <see cref="BatchSize"/> and <see cref="SequenceLength"/>.</summary>
    public const int MaxDimension = 1 << 20;

    /// <summary>Sequential (default), random or per-row windows.</summary>
    public WindowMode Mode { get; set; } = WindowMode.Sequential;

    /// <summary>Sequences per batch (default 32; range 1 .. 1048576).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Time steps per window (default 35; range 1 .. 1048576). In <see cref="WindowMode.PerRow"/> mode the maximum
    /// sequence length: longer rows are truncated.
    /// </summary>
    public int SequenceLength { get; set; } = 35;

    /// <summary>
    /// Sequential and random modes: when the reader gets a <see cref="System.Random"/>, start at a random offset in
    /// <c>[0, SequenceLength-1]</c> each epoch (default true). Without a <see cref="System.Random"/> the offset is 0.
    /// </summary>
    public bool RandomOffset { get; set; } = true;

    /// <summary>Per-row mode: pad to the longest row of the batch (default) or to <see cref="SequenceLength"/>.</summary>
    public PerRowPadding Padding { get; set; } = PerRowPadding.LongestInBatch;

    /// <summary>Per-row mode: shuffle rows each epoch when the reader gets a <see cref="System.Random"/> (default true).</summary>
    public bool ShuffleRows { get; set; } = true;

    /// <summary>Per-row mode: drop the last batch when it has fewer than <see cref="BatchSize"/> rows (default false).</summary>
    public bool DropIncompleteBatch { get; set; }

    /// <summary>A copy of these options.</summary>
    public WindowOptions Clone() => (WindowOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Check.Defined(Mode, $"{nameof(WindowOptions)}.{nameof(Mode)}");
        Check.Defined(Padding, $"{nameof(WindowOptions)}.{nameof(Padding)}");
        Check.InRange(BatchSize, 1, MaxDimension, $"{nameof(WindowOptions)}.{nameof(BatchSize)}");
        Check.InRange(SequenceLength, 1, MaxDimension, $"{nameof(WindowOptions)}.{nameof(SequenceLength)}");
        if ((long)BatchSize * SequenceLength > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize,
                $"{nameof(WindowOptions)}.{nameof(BatchSize)} x {nameof(SequenceLength)} = {(long)BatchSize * SequenceLength} exceeds {Array.MaxLength}.");
    }

    /// <summary>The number of tokens a corpus needs for one batch in sequential or random mode: BatchSize x SequenceLength + 1.</summary>
    public long RequiredTokens => (long)BatchSize * SequenceLength + 1;
}
