namespace Microsoft.ML.SequenceLM;

/// <summary>Internal helpers shared by the row and cursor implementations.</summary>
internal static class GetterUtils
{
    /// <summary>Checks that <paramref name="column"/> belongs to <paramref name="schema"/>.</summary>
    public static void CheckColumn(DataViewSchema schema, DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= schema.Count || schema[column.Index].Name != column.Name)
            throw new ArgumentException($"Column '{column.Name}' (index {column.Index}) is not a column of this row. Columns: {schema}.", nameof(column));
    }

    /// <summary>Casts a stored getter to the requested type, with clear errors for inactive columns and wrong types.</summary>
    public static ValueGetter<T> Cast<T>(Delegate? getter, DataViewSchema.Column column)
    {
        if (getter is ValueGetter<T> typed) return typed;
        if (getter is null)
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; include it in columnsNeeded when opening the cursor.");
        throw new InvalidOperationException(
            $"Column '{column.Name}' has type {column.Type} whose values are {TypeName(column.Type.RawType)}; it cannot be read as {TypeName(typeof(T))}.");
    }

    /// <summary>A readable generic type name, e.g. <c>ReadOnlyMemory&lt;Char&gt;</c>.</summary>
    public static string TypeName(Type t) =>
        t.IsGenericType ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(TypeName))}>" : t.Name;

    /// <summary>Turns a column list into a per-index activity mask.</summary>
    public static bool[] ActiveMask(DataViewSchema schema, IEnumerable<DataViewSchema.Column>? columnsNeeded)
    {
        var active = new bool[schema.Count];
        if (columnsNeeded == null) return active;
        foreach (var c in columnsNeeded)
        {
            var own = schema.GetColumnOrNull(c.Name);
            if (own.HasValue) active[own.Value.Index] = true;
        }
        return active;
    }
}

/// <summary>
/// A cursor built from a move function and one getter delegate per active column (null for inactive columns).
/// Used by the library's own views.
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

    public override DataViewSchema Schema => _schema;

    public override long Position => _position;

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index >= 0 && column.Index < _getters.Length && _getters[column.Index] != null;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        GetterUtils.CheckColumn(_schema, column);
        return GetterUtils.Cast<TValue>(_getters[column.Index], column);
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
        if (disposing && !_done) { _done = true; }
        if (disposing) _dispose?.Invoke();
    }
}
