namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A column a transform or trainer needs is missing or has the wrong type. The message names the column, the
/// expected type, the actual type (if present) and lists the columns that exist. Thrown early, from
/// <c>GetOutputSchema</c>, <c>Fit</c> or <c>Transform</c>, before any data is read.
/// </summary>
public sealed class SchemaMismatchException : ArgumentException
{
    /// <summary>Creates the exception with a full message.</summary>
    public SchemaMismatchException(string columnName, string expectedType, string? actualType, string availableColumns, string message)
        : base(message)
    {
        ColumnName = columnName;
        ExpectedType = expectedType;
        ActualType = actualType;
        AvailableColumns = availableColumns;
    }

    /// <summary>The column that is missing or mistyped.</summary>
    public string ColumnName { get; }

    /// <summary>A description of the type that was expected.</summary>
    public string ExpectedType { get; }

    /// <summary>The column's actual type, or null when the column is missing.</summary>
    public string? ActualType { get; }

    /// <summary>The columns that exist, as <c>Name: Type</c> pairs.</summary>
    public string AvailableColumns { get; }

    /// <summary>Creates the exception for a missing column.</summary>
    public static SchemaMismatchException Missing(string columnName, string expectedType, DataViewSchema schema) =>
        new(columnName, expectedType, null, schema.Describe(),
            $"Column '{columnName}' (expected type {expectedType}) is not in the input. Available columns: {schema.Describe()}.");

    /// <summary>Creates the exception for a column of the wrong type.</summary>
    public static SchemaMismatchException WrongType(string columnName, string expectedType, DataViewType actual, DataViewSchema schema) =>
        new(columnName, expectedType, actual.ToString(), schema.Describe(),
            $"Column '{columnName}' has type {actual}, but {expectedType} is expected. Available columns: {schema.Describe()}.");
}

/// <summary>Column lists for messages.</summary>
internal static class SchemaDescriptions
{
    /// <summary>The visible columns as <c>Name: Type</c>.</summary>
    public static string Describe(this DataViewSchema schema)
    {
        var visible = schema.Where(c => !c.IsHidden).Select(c => $"{c.Name}: {c.Type}").ToArray();
        return visible.Length == 0 ? "(no columns)" : string.Join(", ", visible);
    }
}
