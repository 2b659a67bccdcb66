namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Validates the input columns of our estimators and transformers. Failures throw <see cref="SchemaMismatchException"/>
/// naming the column, the expected type and the columns that exist.
/// </summary>
internal static class SchemaChecks
{
    public const string TokensType = "Vector<Text> (tokens)";
    public const string KeysType = "Vector<Key> (keys)";
    public const string TokensOrKeysType = "Vector<Text> (tokens) or Vector<Key> (keys)";

    public static DataViewSchema.Column RequireColumn(this DataViewSchema schema, string name, string expectedType, Func<DataViewType, bool> isValid)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var col = schema.GetColumnOrNull(name) ?? throw SchemaMismatchException.Missing(name, expectedType, schema);
        if (!isValid(col.Type)) throw SchemaMismatchException.WrongType(name, expectedType, col.Type, schema);
        return col;
    }

    public static SchemaShape.Column RequireColumn(this SchemaShape shape, string name, string expectedType, Func<SchemaShape.Column, bool> isValid)
    {
        ArgumentNullException.ThrowIfNull(shape);
        string available = ShapeColumns.Describe(shape);
        if (!shape.TryFind(name, out var col))
            throw new SchemaMismatchException(name, expectedType, null, available,
                $"Column '{name}' (expected type {expectedType}) is not in the input. Available columns: {available}.");
        if (!isValid(col))
            throw new SchemaMismatchException(name, expectedType, ShapeColumns.Describe(col), available,
                $"Column '{name}' has type {ShapeColumns.Describe(col)}, but {expectedType} is expected. Available columns: {available}.");
        return col;
    }

    public static bool IsText(DataViewType type) => type is TextDataViewType;

    public static bool IsTextVector(DataViewType type) => type is VectorDataViewType { ItemType: TextDataViewType };

    public static bool IsKeyVector(DataViewType type) => type is VectorDataViewType { ItemType: KeyDataViewType };

    public static bool IsTokensOrKeys(DataViewType type) => IsTextVector(type) || IsKeyVector(type);

    public static bool IsText(SchemaShape.Column c) => c.Kind == SchemaShape.Column.VectorKind.Scalar && c.ItemType is TextDataViewType;

    public static bool IsTextVector(SchemaShape.Column c) => c.Kind != SchemaShape.Column.VectorKind.Scalar && !c.IsKey && c.ItemType is TextDataViewType;

    public static bool IsKeyVector(SchemaShape.Column c) => c.Kind != SchemaShape.Column.VectorKind.Scalar && c.IsKey;

    public static bool IsTokensOrKeys(SchemaShape.Column c) => IsTextVector(c) || IsKeyVector(c);
}
