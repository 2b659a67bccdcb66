using System.Collections;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The shape of a schema before data is seen: column names, whether each is a scalar, fixed-size or variable-size
/// vector, the item type, and whether items are keys (key counts are unknown until fitting). Mirrors ML.NET's
/// <c>SchemaShape</c>; estimators use it to validate a pipeline before fitting anything.
/// </summary>
public sealed class SchemaShape : IReadOnlyList<SchemaShape.Column>
{
    private readonly Column[] _columns;

    /// <summary>Creates a shape from columns (a later column with the same name replaces an earlier one).</summary>
    public SchemaShape(IEnumerable<Column> columns)
    {
        var list = new List<Column>();
        foreach (var c in columns)
        {
            int i = list.FindIndex(x => x.Name == c.Name);
            if (i >= 0) list[i] = c; else list.Add(c);
        }
        _columns = list.ToArray();
    }

    /// <summary>Whether a column holds scalars or vectors.</summary>
    public enum VectorKind
    {
        /// <summary>One value per row.</summary>
        Scalar,
        /// <summary>A vector of known, fixed size per row.</summary>
        Vector,
        /// <summary>A vector of varying size per row.</summary>
        VariableVector,
    }

    /// <summary>One column of a <see cref="SchemaShape"/>.</summary>
    public readonly struct Column
    {
        /// <summary>Creates a column shape.</summary>
        /// <param name="name">The column name.</param>
        /// <param name="kind">Scalar or vector.</param>
        /// <param name="itemType">The item type; for keys use <see cref="NumberDataViewType.Int64"/> with <paramref name="isKey"/> true.</param>
        /// <param name="isKey">True when items are keys.</param>
        /// <param name="annotationKinds">Annotation kinds the column will carry.</param>
        public Column(string name, VectorKind kind, DataViewType itemType, bool isKey, IReadOnlyList<string>? annotationKinds = null)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Kind = kind;
            ItemType = itemType ?? throw new ArgumentNullException(nameof(itemType));
            IsKey = isKey;
            AnnotationKinds = annotationKinds ?? Array.Empty<string>();
        }

        /// <summary>The column name.</summary>
        public string Name { get; }

        /// <summary>Scalar or vector.</summary>
        public VectorKind Kind { get; }

        /// <summary>The item type (for keys: <see cref="NumberDataViewType.Int64"/>).</summary>
        public DataViewType ItemType { get; }

        /// <summary>True when items are keys.</summary>
        public bool IsKey { get; }

        /// <summary>True for vectors of either kind.</summary>
        public bool IsVector => Kind != VectorKind.Scalar;

        /// <summary>Annotation kinds carried by the column.</summary>
        public IReadOnlyList<string> AnnotationKinds { get; }

        /// <summary>Describes the shape, e.g. <c>Vector&lt;Key&gt;</c> or <c>Text</c>.</summary>
        public override string ToString()
        {
            string item = IsKey ? "Key" : ItemType?.ToString() ?? "?";
            return Kind == VectorKind.Scalar ? item : $"Vector<{item}>";
        }

        /// <summary>Describes the shape of a concrete column type.</summary>
        public static Column FromType(string name, DataViewType type, IReadOnlyList<string>? annotationKinds = null)
        {
            DataViewType item = type is VectorDataViewType v ? v.ItemType : type;
            var kind = type is VectorDataViewType vt ? (vt.IsKnownSize ? VectorKind.Vector : VectorKind.VariableVector) : VectorKind.Scalar;
            bool isKey = item is KeyDataViewType;
            return new Column(name, kind, isKey ? NumberDataViewType.Int64 : item, isKey, annotationKinds);
        }
    }

    /// <summary>Creates the shape of a concrete schema.</summary>
    public static SchemaShape Create(DataViewSchema schema) =>
        new(schema.Select(c => Column.FromType(c.Name, c.Type, c.Annotations.Kinds.ToArray())));

    /// <summary>The number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>The column at <paramref name="index"/>.</summary>
    public Column this[int index] => _columns[index];

    /// <summary>Finds a column by name.</summary>
    public bool TryFindColumn(string name, out Column column)
    {
        foreach (var c in _columns)
            if (c.Name == name) { column = c; return true; }
        column = default;
        return false;
    }

    /// <summary>Returns a new shape with <paramref name="column"/> added (or replacing the column with its name).</summary>
    public SchemaShape With(Column column) => new(_columns.Append(column));

    /// <inheritdoc />
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Lists the columns as <c>Name: Shape</c>, for messages.</summary>
    public override string ToString() =>
        _columns.Length == 0 ? "(no columns)" : string.Join(", ", _columns.Select(c => $"{c.Name}: {c}"));
}
