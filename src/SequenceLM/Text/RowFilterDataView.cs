namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Keeps the rows of a source view whose source position a predicate accepts (lazy; the row-wise train/test split).
/// Optionally replaces the getters of some columns (the document split).
/// </summary>
internal sealed class RowFilterDataView : IDataView
{
    private readonly IDataView _source;
    private readonly Func<Func<long, bool>> _makeFilter;
    private readonly long _stopAt;
    private readonly long? _rowCount;
    private readonly Func<DataViewRow, DataViewSchema.Column, Delegate?>? _overrideGetter;

    /// <param name="source">The source view.</param>
    /// <param name="makeFilter">Called once per cursor (lazily, so plans can be computed on first use).</param>
    /// <param name="stopAt">Source position at which to stop reading (long.MaxValue: read to the end).</param>
    /// <param name="rowCount">The number of rows when known.</param>
    /// <param name="overrideGetter">Optional replacement getters per column (null result: pass through).</param>
    public RowFilterDataView(IDataView source, Func<Func<long, bool>> makeFilter, long stopAt = long.MaxValue, long? rowCount = null,
        Func<DataViewRow, DataViewSchema.Column, Delegate?>? overrideGetter = null)
    {
        _source = source;
        _makeFilter = makeFilter;
        _stopAt = stopAt;
        _rowCount = rowCount;
        _overrideGetter = overrideGetter;
    }

    public DataViewSchema Schema => _source.Schema;

    public bool CanShuffle => false;

    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(_source.GetRowCursor(columnsNeeded), _makeFilter(), _stopAt, _overrideGetter);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _inner;
        private readonly Func<long, bool> _keep;
        private readonly long _stopAt;
        private readonly Func<DataViewRow, DataViewSchema.Column, Delegate?>? _override;
        private long _position = -1;
        private long _sourcePosition = -1;

        public Cursor(DataViewRowCursor inner, Func<long, bool> keep, long stopAt, Func<DataViewRow, DataViewSchema.Column, Delegate?>? overrideGetter)
        {
            _inner = inner;
            _keep = keep;
            _stopAt = stopAt;
            _override = overrideGetter;
        }

        public override DataViewSchema Schema => _inner.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _inner.GetIdGetter();

        public override bool MoveNext()
        {
            while (_sourcePosition + 1 < _stopAt && _inner.MoveNext())
            {
                _sourcePosition++;
                if (_keep(_sourcePosition)) { _position++; return true; }
            }
            return false;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _inner.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var replaced = _override?.Invoke(_inner, column);
            if (replaced == null) return _inner.GetGetter<TValue>(column);
            return replaced as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
        }
    }
}
