namespace Microsoft.ML.SequenceLM;

/// <summary>
/// One row: typed access to the values of its active columns through <see cref="GetGetter{TValue}"/>.
/// Mirrors ML.NET's <c>DataViewRow</c>.
/// </summary>
public abstract class DataViewRow : IDisposable
{
    /// <summary>The row's columns.</summary>
    public abstract DataViewSchema Schema { get; }

    /// <summary>The 0-based index of the current row, or -1 before the first row. Changes whenever the row's values change.</summary>
    public abstract long Position { get; }

    /// <summary>True when <paramref name="column"/> can be read from this row.</summary>
    public abstract bool IsColumnActive(DataViewSchema.Column column);

    /// <summary>
    /// Returns a delegate that reads <paramref name="column"/> of the current row. <typeparamref name="TValue"/> must be the
    /// column type's <see cref="DataViewType.RawType"/>; otherwise an <see cref="InvalidOperationException"/> names both types.
    /// </summary>
    public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

    /// <summary>Releases the row's resources (for cursors, the underlying reader).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; override to dispose readers and inner cursors.</summary>
    protected virtual void Dispose(bool disposing) { }
}

/// <summary>A <see cref="DataViewRow"/> that moves forward over the rows of a view.</summary>
public abstract class DataViewRowCursor : DataViewRow
{
    /// <summary>Moves to the next row; returns false at the end.</summary>
    public abstract bool MoveNext();
}
