namespace Microsoft.ML.SequenceLM;

/// <summary>Fills objects of type <typeparamref name="T"/> from rows of a schema (members matched by column name).</summary>
internal sealed class ObjectReader<T> where T : class
{
    private readonly (MemberBinding Member, DataViewSchema.Column Column, Func<object?, object?> FromRaw)[] _bindings;

    public ObjectReader(DataViewSchema schema)
    {
        var list = new List<(MemberBinding, DataViewSchema.Column, Func<object?, object?>)>();
        foreach (var m in ClrTypeMapping.GetMembers(typeof(T)))
        {
            if (m.Set == null) continue;
            var col = schema.GetColumnOrNull(m.ColumnName)
                ?? throw SchemaMismatchException.Missing(m.ColumnName, $"a type convertible to {GetterUtils.TypeName(m.MemberType)} (for {typeof(T).Name}.{m.MemberName})", schema);
            var conv = ClrTypeMapping.FromRaw(col.Type, m.MemberType)
                ?? throw SchemaMismatchException.WrongType(m.ColumnName, $"a type convertible to {GetterUtils.TypeName(m.MemberType)} (for {typeof(T).Name}.{m.MemberName})", col.Type, schema);
            list.Add((m, col, conv));
        }
        _bindings = list.ToArray();
    }

    /// <summary>The columns read.</summary>
    public IEnumerable<DataViewSchema.Column> Columns => _bindings.Select(b => b.Column);

    /// <summary>Returns an action that copies the row's current values into an object.</summary>
    public Action<T> Bind(DataViewRow row)
    {
        var readers = _bindings.Select(b => (b.Member, Read: ClrTypeMapping.BoxedReader(row, row.Schema[b.Column.Name]), b.FromRaw)).ToArray();
        return item =>
        {
            foreach (var (member, read, fromRaw) in readers) member.Set!(item, fromRaw(read()));
        };
    }
}
