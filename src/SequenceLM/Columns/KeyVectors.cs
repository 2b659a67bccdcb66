namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Converts between ML.NET key vectors (1-based, <c>0</c> = missing, any key raw type) and the 0-based token ids the
/// model works with. Our own key columns are <see cref="uint"/> keys.
/// </summary>
internal static class KeyVectors
{
    /// <summary>The key-vector type of a column encoded with <paramref name="vocabulary"/>.</summary>
    public static VectorDataViewType Type(Vocabulary vocabulary, int size = 0) =>
        new(new KeyDataViewType(typeof(uint), vocabulary.Count), size);

    /// <summary>Writes ids as 1-based keys.</summary>
    public static VBuffer<uint> FromIds(ReadOnlySpan<long> ids)
    {
        var keys = new uint[ids.Length];
        for (int i = 0; i < ids.Length; i++) keys[i] = checked((uint)(ids[i] + 1));
        return new VBuffer<uint>(keys.Length, keys);
    }

    /// <summary>
    /// Returns a function reading the current row's key vector as ids. A missing key (0) becomes <paramref name="missingId"/>,
    /// or raises <see cref="UnknownTokenException"/> when it is null.
    /// </summary>
    public static Func<long[]> Reader(DataViewRow row, DataViewSchema.Column column, long? missingId)
    {
        var rawType = ((VectorDataViewType)column.Type).ItemType.RawType;
        if (rawType == typeof(uint)) return Reader<uint>(row, column, k => k, missingId);
        if (rawType == typeof(ulong)) return Reader<ulong>(row, column, k => k, missingId);
        if (rawType == typeof(ushort)) return Reader<ushort>(row, column, k => k, missingId);
        if (rawType == typeof(byte)) return Reader<byte>(row, column, k => k, missingId);
        throw new InvalidOperationException($"Column '{column.Name}' has keys of raw type {rawType.Name}, which is not a key type.");
    }

    private static Func<long[]> Reader<TKey>(DataViewRow row, DataViewSchema.Column column, Func<TKey, ulong> widen, long? missingId)
    {
        var getter = row.GetGetter<VBuffer<TKey>>(column);
        VBuffer<TKey> buffer = default;
        return () =>
        {
            getter(ref buffer);
            var ids = new long[buffer.Length];
            if (buffer.IsDense)
            {
                var values = buffer.GetValues();
                for (int i = 0; i < ids.Length; i++) ids[i] = ToId(widen(values[i]), column, missingId);
            }
            else
            {
                long missing = ToId(0, column, missingId);
                Array.Fill(ids, missing);
                var values = buffer.GetValues();
                var indices = buffer.GetIndices();
                for (int i = 0; i < values.Length; i++) ids[indices[i]] = ToId(widen(values[i]), column, missingId);
            }
            return ids;
        };
    }

    private static long ToId(ulong key, DataViewSchema.Column column, long? missingId)
    {
        if (key == 0)
            return missingId ?? throw new UnknownTokenException(
                message: $"Column '{column.Name}' holds a missing key (0: a value the key mapping did not know) and the vocabulary has no {Vocabulary.UnknownToken} to stand for it.");
        return (long)(key - 1);
    }

    /// <summary>Reads every row of a key column as ids.</summary>
    public static List<ReadOnlyMemory<long>> ReadRows(IDataView data, DataViewSchema.Column column, long? missingId)
    {
        var rows = new List<ReadOnlyMemory<long>>();
        using var cursor = data.GetRowCursor(new[] { column });
        var read = Reader(cursor, column, missingId);
        while (cursor.MoveNext()) rows.Add(read());
        return rows;
    }
}
