namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Sets the column name a public property or field maps to in <see cref="DataOperationsCatalog.LoadFromEnumerable{T}"/>,
/// <see cref="DataOperationsCatalog.CreateEnumerable{T}"/> and <see cref="PredictionEngine{TSrc, TDst}"/> (default: the member name).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class ColumnNameAttribute : Attribute
{
    /// <summary>Maps the member to the column <paramref name="name"/>.</summary>
    public ColumnNameAttribute(string name) => Name = name;

    /// <summary>The column name.</summary>
    public string Name { get; }
}

/// <summary>Excludes a public property or field from the mapping between .NET objects and columns.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
public sealed class NoColumnAttribute : Attribute
{
}
