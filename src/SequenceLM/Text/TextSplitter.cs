namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Implements <see cref="TextCatalog.SplitText"/>: a view with one row (one document) is split
/// contiguously inside its text columns; a view with several rows is split by rows after a seeded shuffle.
/// The plan (row count, permutation) is computed lazily, on the first cursor of either part.
/// </summary>
internal sealed class TextSplitter
{
    private readonly IDataView _source;
    private readonly double _testFraction;
    private readonly int _seed;
    private readonly Lazy<Plan> _plan;

    public TextSplitter(IDataView source, double testFraction, int seed)
    {
        _source = source;
        _testFraction = testFraction;
        _seed = seed;
        _plan = new Lazy<Plan>(MakePlan);
    }

    private sealed record Plan(long RowCount, bool[]? IsTestRow);

    public IDataView Part(bool test)
    {
        return new RowFilterDataView(_source,
            () =>
            {
                var plan = _plan.Value;
                if (plan.IsTestRow == null) return _ => true;
                return pos => pos < plan.IsTestRow.Length && plan.IsTestRow[pos] == test;
            },
            overrideGetter: (row, column) => column.Type is TextDataViewType && _plan.Value.IsTestRow == null ? SliceGetter(row, column, test) : null);
    }

    private Plan MakePlan()
    {
        long n = _source.GetRowCount() ?? CountRows();
        if (n == 1) return new Plan(1, null);
        if (n > int.MaxValue) throw new NotSupportedException($"Row-wise split supports up to {int.MaxValue} rows; the view has {n}.");
        int rows = (int)n;
        int testCount = (int)Math.Round(rows * _testFraction);
        if (rows >= 2) testCount = Math.Clamp(testCount, 1, rows - 1);
        var order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        new Random(_seed).Shuffle(order);
        var isTest = new bool[rows];
        for (int i = 0; i < testCount; i++) isTest[order[i]] = true;
        return new Plan(n, isTest);
    }

    private long CountRows()
    {
        using var cursor = _source.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        long n = 0;
        while (cursor.MoveNext()) n++;
        return n;
    }

    private Delegate SliceGetter(DataViewRow row, DataViewSchema.Column column, bool test)
    {
        var inner = row.GetGetter<ReadOnlyMemory<char>>(column);
        double fraction = _testFraction;
        return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) =>
        {
            ReadOnlyMemory<char> text = default;
            inner(ref text);
            int cut = SplitPoint(text.Span, fraction);
            value = test ? text[cut..] : text[..cut];
        });
    }

    /// <summary>The index where the test part starts: the last <paramref name="testFraction"/> of the text, never inside a surrogate pair.</summary>
    internal static int SplitPoint(ReadOnlySpan<char> text, double testFraction)
    {
        int cut = text.Length - (int)Math.Round(text.Length * testFraction);
        if (cut > 0 && cut < text.Length && char.IsLowSurrogate(text[cut])) cut--;
        return cut;
    }
}
