using System.Reflection;

namespace Microsoft.ML.SequenceLM;

/// <summary>A public property or field of a .NET type, bound to a column name.</summary>
internal sealed record MemberBinding(string ColumnName, string MemberName, Type MemberType, Func<object, object?> Get, Action<object, object?>? Set);

/// <summary>
/// Maps between .NET members and columns. Supported member types: <see cref="string"/>, <see cref="ReadOnlyMemory{T}"/> of char,
/// <see cref="int"/>, <see cref="long"/>, <see cref="float"/>, <see cref="double"/>, <see cref="bool"/>, and arrays,
/// <see cref="ReadOnlyMemory{T}"/> or <see cref="List{T}"/> of those (vectors).
/// </summary>
internal static class ClrTypeMapping
{
    public static IReadOnlyList<MemberBinding> GetMembers(Type type)
    {
        var list = new List<MemberBinding>();
        foreach (var m in type.GetMembers(BindingFlags.Public | BindingFlags.Instance))
        {
            if (m.GetCustomAttribute<NoColumnAttribute>() != null) continue;
            string name = m.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? m.Name;
            switch (m)
            {
                case PropertyInfo p when p.GetIndexParameters().Length == 0 && p.CanRead:
                    list.Add(new MemberBinding(name, p.Name, p.PropertyType, p.GetValue,
                        p.CanWrite && p.SetMethod!.IsPublic ? p.SetValue : null));
                    break;
                case FieldInfo f:
                    list.Add(new MemberBinding(name, f.Name, f.FieldType, f.GetValue, f.IsInitOnly ? null : f.SetValue));
                    break;
            }
        }
        return list;
    }

    /// <summary>The column type for a .NET member type, or null when unsupported.</summary>
    public static DataViewType? InferColumnType(Type t)
    {
        var p = PrimitiveFor(t);
        if (p != null) return p;
        var elem = ElementType(t);
        var item = elem == null ? null : PrimitiveFor(elem);
        return item == null ? null : new VectorDataViewType(item);
    }

    private static PrimitiveDataViewType? PrimitiveFor(Type t) =>
        t == typeof(string) || t == typeof(ReadOnlyMemory<char>) ? TextDataViewType.Instance :
        t == typeof(int) ? NumberDataViewType.Int32 :
        t == typeof(long) ? NumberDataViewType.Int64 :
        t == typeof(float) ? NumberDataViewType.Single :
        t == typeof(double) ? NumberDataViewType.Double :
        t == typeof(bool) ? BooleanDataViewType.Instance : null;

    private static Type? ElementType(Type t)
    {
        if (t.IsArray && t.GetArrayRank() == 1) return t.GetElementType();
        if (t.IsGenericType)
        {
            var def = t.GetGenericTypeDefinition();
            if (def == typeof(ReadOnlyMemory<>) || def == typeof(Memory<>) || def == typeof(List<>) ||
                def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>))
                return t.GetGenericArguments()[0];
        }
        return null;
    }

    /// <summary>Converts a member value to the boxed raw value of <paramref name="columnType"/>.</summary>
    public static Func<object?, object> ToRaw(Type memberType, DataViewType columnType)
    {
        if (columnType is VectorDataViewType v)
        {
            var elemConv = ScalarToRaw(v.ItemType);
            var method = typeof(ClrTypeMapping).GetMethod(nameof(VectorToRaw), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(v.ItemType.RawType);
            return (Func<object?, object>)method.Invoke(null, new object[] { elemConv })!;
        }
        return ScalarToRaw(columnType);
    }

    private static Func<object?, object> ScalarToRaw(DataViewType type) => type switch
    {
        TextDataViewType => v => v switch { null => ReadOnlyMemory<char>.Empty, string s => s.AsMemory(), ReadOnlyMemory<char> m => m, _ => v.ToString().AsMemory() },
        KeyDataViewType => v => Convert.ToInt64(v ?? 0L),
        _ => v => Convert.ChangeType(v ?? Activator.CreateInstance(type.RawType)!, type.RawType),
    };

    private static Func<object?, object> VectorToRaw<TItem>(Func<object?, object> itemConv) => v =>
    {
        switch (v)
        {
            case null: return ReadOnlyMemory<TItem>.Empty;
            case TItem[] same: return new ReadOnlyMemory<TItem>(same);
            case ReadOnlyMemory<TItem> rom: return rom;
            case System.Collections.IEnumerable e:
                var list = new List<TItem>();
                foreach (var x in e) list.Add((TItem)itemConv(x));
                return new ReadOnlyMemory<TItem>(list.ToArray());
            default: throw new InvalidOperationException($"Cannot convert {v.GetType().Name} to a vector.");
        }
    };

    /// <summary>Converts a boxed raw column value to <paramref name="memberType"/>, or returns null when unsupported.</summary>
    public static Func<object?, object?>? FromRaw(DataViewType columnType, Type memberType)
    {
        if (columnType is VectorDataViewType v)
        {
            var elem = ElementType(memberType);
            if (elem == null) return null;
            var itemConv = ScalarFromRaw(v.ItemType, elem);
            if (itemConv == null) return null;
            var method = typeof(ClrTypeMapping).GetMethod(nameof(VectorFromRaw), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(v.ItemType.RawType, elem);
            return (Func<object?, object?>)method.Invoke(null, new object[] { memberType, itemConv })!;
        }
        return ScalarFromRaw(columnType, memberType);
    }

    private static Func<object?, object?>? ScalarFromRaw(DataViewType type, Type target)
    {
        if (type is TextDataViewType)
            return target == typeof(string) ? v => ((ReadOnlyMemory<char>)v!).ToString()
                 : target == typeof(ReadOnlyMemory<char>) ? v => ((ReadOnlyMemory<char>)v!).ToArray().AsMemory() : null;
        if (type is BooleanDataViewType) return target == typeof(bool) ? v => v : null;
        bool numericTarget = target == typeof(int) || target == typeof(long) || target == typeof(float) || target == typeof(double) || target == typeof(uint) || target == typeof(ulong);
        if (!numericTarget) return null;
        return v => Convert.ChangeType(v, target);
    }

    private static Func<object?, object?> VectorFromRaw<TItem, TElem>(Type memberType, Func<object?, object?> itemConv) => raw =>
    {
        var span = ((ReadOnlyMemory<TItem>)raw!).Span;
        TElem[] arr;
        if (typeof(TItem) == typeof(TElem)) arr = (TElem[])(object)span.ToArray();
        else
        {
            arr = new TElem[span.Length];
            for (int i = 0; i < span.Length; i++) arr[i] = (TElem)itemConv(span[i])!;
        }
        if (memberType.IsArray || memberType.IsInterface) return arr;
        if (memberType == typeof(List<TElem>)) return new List<TElem>(arr);
        if (memberType == typeof(ReadOnlyMemory<TElem>)) return new ReadOnlyMemory<TElem>(arr);
        if (memberType == typeof(Memory<TElem>)) return new Memory<TElem>(arr);
        return arr;
    };

    /// <summary>Creates a typed getter over a boxed value source.</summary>
    public static Delegate MakeGetter(Type rawType, Func<object?> source) =>
        (Delegate)typeof(ClrTypeMapping).GetMethod(nameof(MakeGetterCore), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(rawType).Invoke(null, new object[] { source })!;

    private static ValueGetter<T> MakeGetterCore<T>(Func<object?> source) => (ref T value) => value = (T)source()!;

    /// <summary>Creates a boxed reader of <paramref name="column"/> of <paramref name="row"/>.</summary>
    public static Func<object?> BoxedReader(DataViewRow row, DataViewSchema.Column column) =>
        (Func<object?>)typeof(ClrTypeMapping).GetMethod(nameof(BoxedReaderCore), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(column.Type.RawType).Invoke(null, new object[] { row, column })!;

    private static Func<object?> BoxedReaderCore<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var g = row.GetGetter<T>(column);
        return () => { T v = default!; g(ref v); return v; };
    }
}
