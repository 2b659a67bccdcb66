namespace Microsoft.ML.SequenceLM;

/// <summary>The two parts of a split: <see cref="TrainSet"/> and <see cref="TestSet"/> (deconstructible).</summary>
/// <param name="TrainSet">The training part.</param>
/// <param name="TestSet">The test part.</param>
public sealed record TrainTestData(IDataView TrainSet, IDataView TestSet);

/// <summary>
/// Loading, converting and splitting data: <c>ml.Data</c>. Mirrors ML.NET's <c>DataOperationsCatalog</c>.
/// Every method returns a lazy view; nothing is read until a cursor moves.
/// </summary>
public sealed class DataOperationsCatalog
{
    private readonly SequenceLMContext _context;

    internal DataOperationsCatalog(SequenceLMContext context) => _context = context;

    /// <summary>
    /// Loads a text file as a view with one text column (default <c>"Text"</c>): by default the whole file is one row
    /// (a document); with <see cref="TextLoaderMode.LinePerRow"/> each line is a row. The file is opened only when a
    /// cursor moves. Invalid UTF-8 raises <see cref="InvalidTextEncodingException"/> naming the file and byte offset.
    /// </summary>
    public IDataView LoadFromTextFile(string path, TextLoaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new TextLoaderOptions();
        Check.Defined(options.Mode, $"{nameof(TextLoaderOptions)}.{nameof(TextLoaderOptions.Mode)}");
        Check.NotEmpty(options.ColumnName);
        return new TextFileDataView(Path.GetFullPath(path), options);
    }

    /// <summary>
    /// Wraps a sequence of objects as a view: one row per item, one column per public property or field (named by the
    /// member or by <see cref="ColumnNameAttribute"/>). The sequence is enumerated only when a cursor moves.
    /// Member types: string, ReadOnlyMemory&lt;char&gt;, int, long, float, double, bool and arrays of them (vectors).
    /// </summary>
    public IDataView LoadFromEnumerable<T>(IEnumerable<T> data) where T : class
    {
        ArgumentNullException.ThrowIfNull(data);
        return new EnumerableDataView<T>(data);
    }

    /// <summary>
    /// Reads a view as objects: each public settable property or field is filled from the column of the same name
    /// (or <see cref="ColumnNameAttribute"/>). Text becomes <see cref="string"/>; vectors become arrays. Enumerated lazily.
    /// </summary>
    /// <exception cref="SchemaMismatchException">A member has no column or cannot hold the column's type.</exception>
    public IEnumerable<T> CreateEnumerable<T>(IDataView data) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(data);
        var reader = new ObjectReader<T>(data.Schema);
        return Enumerate(data, reader);
    }

    private static IEnumerable<T> Enumerate<T>(IDataView data, ObjectReader<T> reader) where T : class, new()
    {
        using var cursor = data.GetRowCursor(reader.Columns);
        var fill = reader.Bind(cursor);
        while (cursor.MoveNext())
        {
            var item = new T();
            fill(item);
            yield return item;
        }
    }

    /// <summary>
    /// Splits data into a training and a test part. A view with a single row (a whole document) is split inside the
    /// text: the first <c>1 - testFraction</c> of the characters train, the last <paramref name="testFraction"/> test.
    /// A view with several rows is split by rows, chosen by a seeded shuffle (order within each part is kept).
    /// </summary>
    /// <param name="data">The data to split (split text before tokenizing).</param>
    /// <param name="testFraction">The fraction for the test part, in (0, 1).</param>
    /// <param name="seed">Seed of the row shuffle; null uses the context's random source.</param>
    public TrainTestData TrainTestSplit(IDataView data, double testFraction = 0.1, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check.InRangeExclusive(testFraction, 0, 1, nameof(testFraction));
        var splitter = new TrainTestSplitter(data, testFraction, seed ?? _context.NextSeed());
        return new TrainTestData(splitter.Part(test: false), splitter.Part(test: true));
    }

    /// <summary>Keeps the first <paramref name="count"/> rows (reading stops there).</summary>
    public IDataView TakeRows(IDataView data, long count)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check.InRange(count, 0, long.MaxValue, nameof(count));
        long? n = data.GetRowCount();
        return new RowFilterDataView(data, () => _ => true, stopAt: count, rowCount: n.HasValue ? Math.Min(n.Value, count) : null);
    }

    /// <summary>Drops the first <paramref name="count"/> rows.</summary>
    public IDataView SkipRows(IDataView data, long count)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check.InRange(count, 0, long.MaxValue, nameof(count));
        long? n = data.GetRowCount();
        return new RowFilterDataView(data, () => pos => pos >= count, rowCount: n.HasValue ? Math.Max(0, n.Value - count) : null);
    }
}
