namespace Microsoft.ML.SequenceLM;

/// <summary>The <see cref="AnnotationNames.IsCharacterLevel"/> annotation of token and key columns.</summary>
internal static class CharacterLevelAnnotation
{
    public static void Add(DataViewSchema.Annotations.Builder builder, bool isCharacterLevel) =>
        builder.Add(AnnotationNames.IsCharacterLevel, BooleanDataViewType.Instance, (ref bool value) => value = isCharacterLevel);

    /// <summary>Annotations holding only the flag (token columns).</summary>
    public static DataViewSchema.Annotations Create(bool isCharacterLevel)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        Add(builder, isCharacterLevel);
        return builder.ToAnnotations();
    }

    /// <summary>The flag on <paramref name="column"/>, or null when the column has none (e.g. columns made by ML.NET).</summary>
    public static bool? GetIsCharacterLevel(this DataViewSchema.Column column)
    {
        var kind = column.Annotations.Schema.GetColumnOrNull(AnnotationNames.IsCharacterLevel);
        if (kind is not { Type: BooleanDataViewType }) return null;
        bool value = false;
        column.Annotations.GetValue(AnnotationNames.IsCharacterLevel, ref value);
        return value;
    }
}
