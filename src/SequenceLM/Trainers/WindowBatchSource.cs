namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>Batches of one split of a corpus (a token stream or per-row sequences), cut by <see cref="TokenWindows"/>.</summary>
internal sealed class WindowBatchSource : ITrainingBatchSource
{
    private readonly IReadOnlyList<ReadOnlyMemory<long>> _rows;
    private readonly long[]? _stream;
    private readonly Vocabulary _vocabulary;
    private readonly WindowOptions _options;

    public WindowBatchSource(IReadOnlyList<ReadOnlyMemory<long>> rows, Vocabulary vocabulary, WindowOptions options)
    {
        _rows = rows;
        _vocabulary = vocabulary;
        _options = options.Clone();
        if (options.Mode != WindowMode.PerRow) _stream = TokenWindows.Concatenate(rows);
    }

    public WindowOptions Options => _options.Clone();

    public bool IsSequential => _options.Mode == WindowMode.Sequential;

    public long TokenCount => _stream?.LongLength ?? _rows.Sum(r => (long)r.Length);

    /// <summary>Whether <paramref name="key"/> occurs in this split.</summary>
    public bool Contains(long? key)
    {
        if (key is not { } k) return false;
        if (_stream != null) return _stream.AsSpan().Contains(k);
        foreach (var row in _rows)
            if (row.Span.Contains(k)) return true;
        return false;
    }

    public IEnumerable<TokenBatch> Batches(Random? shuffle) =>
        _stream != null ? TokenWindows.Create(_stream, _options, shuffle) : TokenWindows.Create(_rows, _vocabulary, _options, shuffle);
}
