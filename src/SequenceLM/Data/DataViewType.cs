namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The type of a column in a <see cref="DataViewSchema"/>. Mirrors ML.NET's <c>DataViewType</c>:
/// every type has a <see cref="RawType"/>, the .NET type a <see cref="ValueGetter{TValue}"/> for the column produces.
/// </summary>
/// <remarks>
/// Raw types used by this library: text is <see cref="ReadOnlyMemory{T}"/> of <see cref="char"/>; numbers are their .NET
/// primitives; keys are <see cref="long"/> (0-based, see <see cref="KeyDataViewType"/>); vectors are
/// <see cref="ReadOnlyMemory{T}"/> of the item's raw type (a cheap, sliceable view that replaces ML.NET's <c>VBuffer</c>).
/// </remarks>
public abstract class DataViewType : IEquatable<DataViewType>
{
    /// <summary>Creates a type whose values are produced as <paramref name="rawType"/>.</summary>
    protected DataViewType(Type rawType) => RawType = rawType ?? throw new ArgumentNullException(nameof(rawType));

    /// <summary>The .NET type of the values of this type (the <c>T</c> of <see cref="ValueGetter{TValue}"/>).</summary>
    public Type RawType { get; }

    /// <inheritdoc />
    public abstract bool Equals(DataViewType? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DataViewType t && Equals(t);

    /// <inheritdoc />
    public override int GetHashCode() => (ToString() ?? "").GetHashCode(StringComparison.Ordinal);
}

/// <summary>A type whose values are single items (not vectors): text, numbers, booleans and keys.</summary>
public abstract class PrimitiveDataViewType : DataViewType
{
    /// <summary>Creates a primitive type produced as <paramref name="rawType"/>.</summary>
    protected PrimitiveDataViewType(Type rawType) : base(rawType) { }
}

/// <summary>Text. Values are <see cref="ReadOnlyMemory{T}"/> of <see cref="char"/> (no string allocation per value).</summary>
public sealed class TextDataViewType : PrimitiveDataViewType
{
    private TextDataViewType() : base(typeof(ReadOnlyMemory<char>)) { }

    /// <summary>The single instance of the text type.</summary>
    public static TextDataViewType Instance { get; } = new();

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => other is TextDataViewType;

    /// <inheritdoc />
    public override string ToString() => "Text";
}

/// <summary>Booleans (<see cref="bool"/>).</summary>
public sealed class BooleanDataViewType : PrimitiveDataViewType
{
    private BooleanDataViewType() : base(typeof(bool)) { }

    /// <summary>The single instance of the boolean type.</summary>
    public static BooleanDataViewType Instance { get; } = new();

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => other is BooleanDataViewType;

    /// <inheritdoc />
    public override string ToString() => "Boolean";
}

/// <summary>Numbers: <see cref="Int32"/>, <see cref="Int64"/>, <see cref="Single"/> and <see cref="Double"/>.</summary>
public sealed class NumberDataViewType : PrimitiveDataViewType
{
    private readonly string _name;

    private NumberDataViewType(Type rawType, string name) : base(rawType) => _name = name;

    /// <summary>32-bit signed integers (<see cref="int"/>).</summary>
    public static NumberDataViewType Int32 { get; } = new(typeof(int), "Int32");

    /// <summary>64-bit signed integers (<see cref="long"/>).</summary>
    public static NumberDataViewType Int64 { get; } = new(typeof(long), "Int64");

    /// <summary>32-bit floating point numbers (<see cref="float"/>).</summary>
    public static NumberDataViewType Single { get; } = new(typeof(float), "Single");

    /// <summary>64-bit floating point numbers (<see cref="double"/>).</summary>
    public static NumberDataViewType Double { get; } = new(typeof(double), "Double");

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override string ToString() => _name;
}

/// <summary>
/// Keys: indices into a finite set of values (for example a vocabulary). Unlike ML.NET, keys here are 0-based
/// <see cref="long"/> values in <c>[0, Count)</c> with no reserved "missing" value, so they can be handed to a
/// model as token ids without conversion. The set of values is usually carried by the column's
/// <see cref="AnnotationKinds.KeyValues"/> annotation.
/// </summary>
public sealed class KeyDataViewType : PrimitiveDataViewType
{
    /// <summary>Creates a key type over <paramref name="count"/> values.</summary>
    /// <param name="count">The number of distinct keys (at least 1).</param>
    public KeyDataViewType(long count) : base(typeof(long))
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A key type needs a count of at least 1.");
        Count = count;
    }

    /// <summary>The number of distinct keys; valid keys are <c>0 .. Count-1</c>.</summary>
    public long Count { get; }

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) => other is KeyDataViewType k && k.Count == Count;

    /// <inheritdoc />
    public override string ToString() => $"Key<{Count}>";
}

/// <summary>
/// Vectors of a primitive item type. Values are <see cref="ReadOnlyMemory{T}"/> of the item's raw type
/// (for example <c>ReadOnlyMemory&lt;long&gt;</c> for a key vector, <c>ReadOnlyMemory&lt;ReadOnlyMemory&lt;char&gt;&gt;</c>
/// for a vector of text tokens). Consumers must not keep a value past the next cursor move unless they copy it.
/// </summary>
public sealed class VectorDataViewType : DataViewType
{
    /// <summary>Creates a vector type.</summary>
    /// <param name="itemType">The type of the items.</param>
    /// <param name="size">The fixed length of every vector, or 0 for vectors of variable length.</param>
    public VectorDataViewType(PrimitiveDataViewType itemType, int size = 0)
        : base(typeof(ReadOnlyMemory<>).MakeGenericType(itemType?.RawType ?? throw new ArgumentNullException(nameof(itemType))))
    {
        if (size < 0) throw new ArgumentOutOfRangeException(nameof(size), size, "A vector size must be 0 (variable) or positive.");
        ItemType = itemType;
        Size = size;
    }

    /// <summary>The type of the items.</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The fixed length of every vector, or 0 when vectors have variable length.</summary>
    public int Size { get; }

    /// <summary>True when every vector has the same length (<see cref="Size"/> &gt; 0).</summary>
    public bool IsKnownSize => Size > 0;

    /// <inheritdoc />
    public override bool Equals(DataViewType? other) =>
        other is VectorDataViewType v && v.Size == Size && v.ItemType.Equals(ItemType);

    /// <inheritdoc />
    public override string ToString() => Size > 0 ? $"Vector<{ItemType}, {Size}>" : $"Vector<{ItemType}>";
}
