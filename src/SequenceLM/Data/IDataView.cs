namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A lazy, read-only table: a <see cref="Schema"/> and cursors over its rows. Mirrors ML.NET's <c>IDataView</c>.
/// Creating a view reads nothing; data is read only when a cursor is moved.
/// </summary>
public interface IDataView
{
    /// <summary>The columns of this view.</summary>
    DataViewSchema Schema { get; }

    /// <summary>True when a cursor can return rows in random order (when passed a <see cref="Random"/>).</summary>
    bool CanShuffle { get; }

    /// <summary>The number of rows when known without reading the data; otherwise null.</summary>
    long? GetRowCount();

    /// <summary>Opens a cursor over the rows.</summary>
    /// <param name="columnsNeeded">The columns the caller will read; other columns may not be computed.</param>
    /// <param name="rand">Randomness for views that shuffle or sample (a new draw per cursor); null means deterministic order.</param>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);
}
