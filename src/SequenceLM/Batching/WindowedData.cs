namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The output of the windowing transform: a view whose rows are training sequences (columns <see cref="InputColumnName"/>
/// and <see cref="TargetColumnName"/>, key vectors), and — for trainers — the batch-level API
/// <see cref="ReadBatches"/>. Trainers test for it with <c>data is WindowedData w</c>.
/// </summary>
/// <remarks>
/// Lazy: the token column is read the first time batches or rows are requested, then kept (one <c>long</c> per token)
/// so later epochs do not re-read or re-tokenize the source.
/// </remarks>
public sealed class WindowedData : IDataView
{
    /// <summary>The name of the input-keys column.</summary>
    public const string InputColumnName = "Input";

    /// <summary>The name of the target-keys column.</summary>
    public const string TargetColumnName = "Target";

    private readonly WindowOptions _options;
    private readonly Lazy<List<ReadOnlyMemory<long>>> _rows;
    private readonly Lazy<long[]> _stream;

    internal WindowedData(IDataView source, DataViewSchema.Column keyColumn, WindowOptions options, Vocabulary vocabulary)
    {
        Source = source;
        KeyColumnName = keyColumn.Name;
        _options = options.Clone();
        Vocabulary = vocabulary;
        _rows = new Lazy<List<ReadOnlyMemory<long>>>(() => KeyVectors.ReadRows(source, keyColumn, vocabulary.UnknownKey));
        _stream = new Lazy<long[]>(() => TokenWindows.Concatenate(_rows.Value));
        Schema = CreateSchema(_options, vocabulary);
    }

    /// <summary>The view the keys are read from.</summary>
    public IDataView Source { get; }

    /// <summary>The key column read from <see cref="Source"/>.</summary>
    public string KeyColumnName { get; }

    /// <summary>A copy of the windowing options.</summary>
    public WindowOptions Options => _options.Clone();

    /// <summary>The vocabulary of the keys (from the key column's annotation).</summary>
    public Vocabulary Vocabulary { get; }

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public bool CanShuffle => true;

    /// <inheritdoc />
    public long? GetRowCount() => null;

    /// <summary>The number of tokens in the corpus (reads the source on first use).</summary>
    public long TokenCount => _options.Mode == WindowMode.PerRow ? _rows.Value.Sum(r => (long)r.Length) : _stream.Value.LongLength;

    /// <summary>
    /// The batches of one epoch. With <paramref name="rand"/> the offset and order are drawn from it (call once per epoch
    /// for fresh draws); with null the layout is deterministic (offset 0, no shuffling).
    /// </summary>
    /// <exception cref="InvalidCorpusException">The corpus is empty or shorter than one batch.</exception>
    public IEnumerable<TokenBatch> ReadBatches(Random? rand = null) =>
        _options.Mode == WindowMode.PerRow
            ? TokenWindows.Create(_rows.Value, Vocabulary, _options, rand)
            : TokenWindows.Create(_stream.Value, _options, rand);

    /// <summary>The token stream (all rows concatenated), as used by sequential and random windowing.</summary>
    public ReadOnlyMemory<long> GetTokenStream() => _stream.Value;

    /// <summary>The rows of keys, as used by per-row windowing.</summary>
    public IReadOnlyList<ReadOnlyMemory<long>> GetTokenRows() => _rows.Value;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = DelegateCursor.ActiveMask(Schema, columnsNeeded);
        IEnumerator<TokenBatch>? batches = null;
        TokenBatch? batch = null;
        int row = -1;
        VBuffer<uint> Slice(long[] data) => KeyVectors.FromIds(data.AsSpan(row * batch!.SequenceLength, batch.SequenceLength));
        var getters = new Delegate?[]
        {
            active[0] ? (ValueGetter<VBuffer<uint>>)((ref VBuffer<uint> v) => v = Slice(batch!.Inputs)) : null,
            active[1] ? (ValueGetter<VBuffer<uint>>)((ref VBuffer<uint> v) => v = Slice(batch!.Targets)) : null,
        };
        return new DelegateCursor(Schema, () =>
        {
            batches ??= ReadBatches(rand).GetEnumerator();
            if (batch != null && row + 1 < batch.BatchSize) { row++; return true; }
            if (!batches.MoveNext()) return false;
            batch = batches.Current;
            row = 0;
            return true;
        }, getters, () => batches?.Dispose());
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    internal static DataViewSchema CreateSchema(WindowOptions options, Vocabulary vocabulary)
    {
        int size = options.Mode == WindowMode.PerRow && options.Padding == PerRowPadding.LongestInBatch ? 0 : options.SequenceLength;
        var type = KeyVectors.Type(vocabulary, size);
        var annotations = VocabularyAnnotations.Create(vocabulary);
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(InputColumnName, type, annotations);
        schema.AddColumn(TargetColumnName, type, annotations);
        return schema.ToSchema();
    }
}
