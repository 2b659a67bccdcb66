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

    /// <summary>The same split cut into batches of <paramref name="batchSize"/> rows (a data-parallel run's global batches).</summary>
    public WindowBatchSource WithBatchSize(int batchSize)
    {
        var options = _options.Clone();
        options.BatchSize = batchSize;
        return new WindowBatchSource(_rows, _vocabulary, options);
    }

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

    /// <summary>Up to <paramref name="limit"/> distinct keys occurring in this split, in order of first occurrence.</summary>
    public long[] DistinctTokens(int limit)
    {
        var seen = new List<long>(limit);
        IEnumerable<ReadOnlyMemory<long>> rows = _stream != null ? new[] { (ReadOnlyMemory<long>)_stream } : _rows;
        foreach (var row in rows)
            foreach (var key in row.Span)
            {
                if (seen.Contains(key)) continue;
                seen.Add(key);
                if (seen.Count >= limit) return seen.ToArray();
            }
        return seen.ToArray();
    }

    public IEnumerable<TokenBatch> Batches(Random? shuffle) =>
        _stream != null ? TokenWindows.Create(_stream, _options, shuffle) : TokenWindows.Create(_rows, _vocabulary, _options, shuffle);
}
