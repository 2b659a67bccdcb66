using System.Runtime.CompilerServices;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Builds ML.NET <see cref="SchemaShape"/> columns. <see cref="SchemaShape.Column"/> has no public constructor but
/// public read-only fields, and <c>EstimatorChain.Fit</c> checks every estimator's <c>GetOutputSchema</c>, so a
/// default column is filled field by field.
/// </summary>
internal static class ShapeColumns
{
    private static readonly SchemaShape NoAnnotations = new(Array.Empty<SchemaShape.Column>());

    public static SchemaShape.Column Create(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey,
        SchemaShape? annotations = null)
    {
        var column = default(SchemaShape.Column);
        Unsafe.AsRef(in column.Name) = name;
        Unsafe.AsRef(in column.Kind) = kind;
        Unsafe.AsRef(in column.ItemType) = itemType;
        Unsafe.AsRef(in column.IsKey) = isKey;
        Unsafe.AsRef(in column.Annotations) = annotations ?? NoAnnotations;
        return column;
    }

    /// <summary>A variable-length vector of text (a token column), annotated with <see cref="AnnotationNames.IsCharacterLevel"/>.</summary>
    public static SchemaShape.Column Tokens(string name, SchemaShape.Column.VectorKind kind = SchemaShape.Column.VectorKind.VariableVector) =>
        Create(name, kind, TextDataViewType.Instance, false,
            new SchemaShape(new[] { Create(AnnotationNames.IsCharacterLevel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false) }));

    /// <summary>A vector of keys (uint, 1-based) carrying the vocabulary as <c>KeyValues</c>.</summary>
    public static SchemaShape.Column Keys(string name, SchemaShape.Column.VectorKind kind = SchemaShape.Column.VectorKind.VariableVector) =>
        Create(name, kind, NumberDataViewType.UInt32, true, new SchemaShape(new[]
        {
            Create(AnnotationNames.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false),
            Create(AnnotationNames.IsCharacterLevel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false),
        }));

    public static SchemaShape.Column Scalar(string name, PrimitiveDataViewType type) =>
        Create(name, SchemaShape.Column.VectorKind.Scalar, type, false);

    /// <summary>The shape with <paramref name="columns"/> added, each replacing an input column of its name in place.</summary>
    public static SchemaShape With(this SchemaShape shape, params SchemaShape.Column[] columns)
    {
        var result = new List<SchemaShape.Column>(shape);
        foreach (var c in columns)
        {
            int i = result.FindIndex(x => x.Name == c.Name);
            if (i >= 0) result[i] = c; else result.Add(c);
        }
        return new SchemaShape(result);
    }

    /// <summary>The shape of a concrete schema, as ML.NET's internal <c>SchemaShape.Create</c> makes it (visible columns only).</summary>
    public static SchemaShape Of(DataViewSchema schema) =>
        new(schema.Where(c => !c.IsHidden).Select(c => Of(c.Name, c.Type, c.Annotations.Schema)));

    private static SchemaShape.Column Of(string name, DataViewType type, DataViewSchema? annotations)
    {
        var kind = type is VectorDataViewType v
            ? (v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector)
            : SchemaShape.Column.VectorKind.Scalar;
        var item = type is VectorDataViewType vector ? vector.ItemType : type;
        bool isKey = item is KeyDataViewType;
        if (item is KeyDataViewType key) item = ItemTypeOfKey(key.RawType);
        var annotationShape = annotations == null || annotations.Count == 0
            ? null
            : new SchemaShape(annotations.Select(a => Of(a.Name, a.Type, null)));
        return Create(name, kind, item, isKey, annotationShape);
    }

    private static PrimitiveDataViewType ItemTypeOfKey(Type raw) =>
        raw == typeof(uint) ? NumberDataViewType.UInt32
        : raw == typeof(ulong) ? NumberDataViewType.UInt64
        : raw == typeof(ushort) ? NumberDataViewType.UInt16
        : NumberDataViewType.Byte;

    /// <summary>Finds a column by name (ML.NET's <c>TryFindColumn</c> is internal).</summary>
    public static bool TryFind(this SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (var c in shape)
            if (c.Name == name) { column = c; return true; }
        column = default;
        return false;
    }

    /// <summary>Describes a shape column as ML.NET does, e.g. <c>VarVector&lt;Key&lt;UInt32&gt;&gt;</c>.</summary>
    public static string Describe(SchemaShape.Column c)
    {
        string item = c.IsKey ? $"Key<{c.ItemType}>" : c.ItemType?.ToString() ?? "?";
        return c.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"Vector<{item}>",
            SchemaShape.Column.VectorKind.VariableVector => $"VarVector<{item}>",
            _ => item,
        };
    }

    public static string Describe(SchemaShape shape) =>
        shape.Count == 0 ? "(no columns)" : string.Join(", ", shape.Select(c => $"{c.Name}: {Describe(c)}"));
}
