namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Helpers for transforms and trainers that validate their input columns. Failures throw
/// <see cref="SchemaMismatchException"/> naming the column, the expected type and the columns that exist.
/// </summary>
public static class SchemaChecks
{
    /// <summary>Returns the column named <paramref name="name"/> when it exists and <paramref name="isValid"/> accepts its type.</summary>
    /// <param name="schema">The schema to search.</param>
    /// <param name="name">The column name.</param>
    /// <param name="expectedType">A description of the accepted types for the message, e.g. <c>"Vector&lt;Text&gt;"</c>.</param>
    /// <param name="isValid">Accepts or rejects the column's type.</param>
    public static DataViewSchema.Column RequireColumn(this DataViewSchema schema, string name, string expectedType, Func<DataViewType, bool> isValid)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var col = schema.GetColumnOrNull(name) ?? throw SchemaMismatchException.Missing(name, expectedType, schema);
        if (!isValid(col.Type)) throw SchemaMismatchException.WrongType(name, expectedType, col.Type, schema);
        return col;
    }

    /// <summary>Shape-level version of <see cref="RequireColumn(DataViewSchema, string, string, Func{DataViewType, bool})"/>.</summary>
    public static SchemaShape.Column RequireColumn(this SchemaShape shape, string name, string expectedType, Func<SchemaShape.Column, bool> isValid)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!shape.TryFindColumn(name, out var col))
            throw new SchemaMismatchException(name, expectedType, null, shape.ToString(),
                $"Column '{name}' (expected type {expectedType}) is not in the input. Available columns: {shape}.");
        if (!isValid(col))
            throw new SchemaMismatchException(name, expectedType, col.ToString(), shape.ToString(),
                $"Column '{name}' has type {col}, but {expectedType} is expected. Available columns: {shape}.");
        return col;
    }

    /// <summary>True for the text type.</summary>
    public static bool IsText(DataViewType type) => type is TextDataViewType;

    /// <summary>True for vectors of text (token columns).</summary>
    public static bool IsTextVector(DataViewType type) => type is VectorDataViewType { ItemType: TextDataViewType };

    /// <summary>True for vectors of keys (token-id columns).</summary>
    public static bool IsKeyVector(DataViewType type) => type is VectorDataViewType { ItemType: KeyDataViewType };

    /// <summary>True for vectors of keys or of <see cref="long"/>.</summary>
    public static bool IsKeyOrInt64Vector(DataViewType type) =>
        type is VectorDataViewType v && (v.ItemType is KeyDataViewType || v.ItemType.Equals(NumberDataViewType.Int64));

    /// <summary>Shape-level: true for text scalars.</summary>
    public static bool IsText(SchemaShape.Column c) => c.Kind == SchemaShape.VectorKind.Scalar && c.ItemType is TextDataViewType;

    /// <summary>Shape-level: true for vectors of text.</summary>
    public static bool IsTextVector(SchemaShape.Column c) => c.IsVector && c.ItemType is TextDataViewType;

    /// <summary>Shape-level: true for vectors of keys.</summary>
    public static bool IsKeyVector(SchemaShape.Column c) => c.IsVector && c.IsKey;

    /// <summary>Shape-level: true for vectors of keys or of <see cref="long"/>.</summary>
    public static bool IsKeyOrInt64Vector(SchemaShape.Column c) => c.IsVector && (c.IsKey || c.ItemType.Equals(NumberDataViewType.Int64));
}
