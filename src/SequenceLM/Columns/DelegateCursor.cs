namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A cursor built from a move function and one getter per column (null for inactive columns); the cursor of our
/// own views (text documents, training windows).
/// </summary>
internal sealed class DelegateCursor : DataViewRowCursor
{
    private readonly DataViewSchema _schema;
    private readonly Func<bool> _moveNext;
    private readonly Delegate?[] _getters;
    private readonly Action? _dispose;
    private long _position = -1;
    private bool _done;

    public DelegateCursor(DataViewSchema schema, Func<bool> moveNext, Delegate?[] getters, Action? dispose = null)
    {
        _schema = schema;
        _moveNext = moveNext;
        _getters = getters;
        _dispose = dispose;
    }

    /// <summary>Which columns of <paramref name="schema"/> are in <paramref name="columnsNeeded"/>.</summary>
    public static bool[] ActiveMask(DataViewSchema schema, IEnumerable<DataViewSchema.Column>? columnsNeeded)
    {
        var active = new bool[schema.Count];
        if (columnsNeeded == null) return active;
        foreach (var c in columnsNeeded)
            if (c.Index >= 0 && c.Index < active.Length) active[c.Index] = true;
        return active;
    }

    public override DataViewSchema Schema => _schema;

    public override long Position => _position;

    public override long Batch => 0;

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index >= 0 && column.Index < _getters.Length && _getters[column.Index] != null;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= _getters.Length)
            throw new ArgumentException($"Column '{column.Name}' is not a column of this cursor.", nameof(column));
        var getter = _getters[column.Index];
        if (getter is ValueGetter<TValue> typed) return typed;
        if (getter is null)
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; include it in the columns needed when opening the cursor.");
        throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    public override bool MoveNext()
    {
        if (_done) return false;
        if (_moveNext()) { _position++; return true; }
        _done = true;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _done = true;
            _dispose?.Invoke();
        }
    }
}
