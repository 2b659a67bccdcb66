namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A view over an <see cref="IEnumerable{T}"/>: one row per item, one column per public property or field.
/// The sequence is enumerated only when a cursor moves (once per cursor).
/// </summary>
internal sealed class EnumerableDataView<T> : IDataView where T : class
{
    private readonly IEnumerable<T> _source;
    private readonly (MemberBinding Member, Func<object?, object> ToRaw)[] _columns;

    public EnumerableDataView(IEnumerable<T> source)
    {
        _source = source;
        var builder = new DataViewSchema.Builder();
        var cols = new List<(MemberBinding, Func<object?, object>)>();
        foreach (var m in ClrTypeMapping.GetMembers(typeof(T)))
        {
            var type = ClrTypeMapping.InferColumnType(m.MemberType)
                ?? throw new ArgumentException($"Member '{typeof(T).Name}.{m.MemberName}' has type {GetterUtils.TypeName(m.MemberType)}, which cannot be a column. " +
                    "Supported: string, ReadOnlyMemory<char>, int, long, float, double, bool and arrays of them; mark other members [NoColumn].");
            builder.AddColumn(m.ColumnName, type);
            cols.Add((m, ClrTypeMapping.ToRaw(m.MemberType, type)));
        }
        Schema = builder.ToSchema();
        _columns = cols.ToArray();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    public long? GetRowCount() => _source switch
    {
        ICollection<T> c => c.Count,
        IReadOnlyCollection<T> r => r.Count,
        _ => null,
    };

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = GetterUtils.ActiveMask(Schema, columnsNeeded);
        IEnumerator<T>? e = null;
        T? current = null;
        var getters = new Delegate?[Schema.Count];
        for (int i = 0; i < getters.Length; i++)
        {
            if (!active[i]) continue;
            var (member, toRaw) = _columns[i];
            getters[i] = ClrTypeMapping.MakeGetter(Schema[i].Type.RawType,
                () => toRaw(current is null ? throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.") : member.Get(current)));
        }
        return new DelegateCursor(Schema, () =>
        {
            e ??= _source.GetEnumerator();
            if (!e.MoveNext()) return false;
            current = e.Current ?? throw new InvalidOperationException($"The sequence of {typeof(T).Name} contains null.");
            return true;
        }, getters, () => e?.Dispose());
    }
}

/// <summary>A row holding one .NET object, whose columns are its public members. Used by <see cref="PredictionEngine{TSrc, TDst}"/>.</summary>
internal sealed class ObjectRow<T> : DataViewRow where T : class
{
    private readonly Delegate[] _getters;
    private T? _current;
    private long _position = -1;

    public ObjectRow(DataViewSchema schema, IReadOnlyList<(MemberBinding Member, Func<object?, object> ToRaw)> columns)
    {
        Schema = schema;
        _getters = new Delegate[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            var (member, toRaw) = columns[i];
            _getters[i] = ClrTypeMapping.MakeGetter(schema[i].Type.RawType, () => toRaw(member.Get(_current!)));
        }
    }

    /// <summary>Builds the schema and member conversions for <typeparamref name="T"/>.</summary>
    public static ObjectRow<T> Create()
    {
        var builder = new DataViewSchema.Builder();
        var cols = new List<(MemberBinding, Func<object?, object>)>();
        foreach (var m in ClrTypeMapping.GetMembers(typeof(T)))
        {
            var type = ClrTypeMapping.InferColumnType(m.MemberType);
            if (type == null) continue;
            builder.AddColumn(m.ColumnName, type);
            cols.Add((m, ClrTypeMapping.ToRaw(m.MemberType, type)));
        }
        return new ObjectRow<T>(builder.ToSchema(), cols);
    }

    /// <summary>Sets the object the row reads from; advances <see cref="Position"/> so caches downstream refresh.</summary>
    public void Set(T value)
    {
        _current = value ?? throw new ArgumentNullException(nameof(value));
        _position++;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override bool IsColumnActive(DataViewSchema.Column column) => column.Index >= 0 && column.Index < _getters.Length;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        GetterUtils.CheckColumn(Schema, column);
        return GetterUtils.Cast<TValue>(_getters[column.Index], column);
    }
}

/// <summary>A view with exactly one row: an existing <see cref="DataViewRow"/> (the fallback path of the prediction engine).</summary>
internal sealed class SingleRowDataView(DataViewRow row) : IDataView
{
    public DataViewSchema Schema => row.Schema;

    public bool CanShuffle => false;

    public long? GetRowCount() => 1;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(row);

    private sealed class Cursor(DataViewRow row) : DataViewRowCursor
    {
        private int _state = -1;
        public override DataViewSchema Schema => row.Schema;
        public override long Position => _state == 0 ? row.Position : -1;
        public override bool MoveNext() => ++_state == 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => row.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => row.GetGetter<TValue>(column);
    }
}
