namespace Microsoft.ML.SequenceLM;

/// <summary>The <see cref="AnnotationNames.IsCharacterLevel"/> and <see cref="AnnotationNames.IsByteLevel"/> annotations of token and key columns.</summary>
internal static class CharacterLevelAnnotation
{
    /// <summary>Adds the character-level flag, and the byte-level flag when it is true (only subword columns carry it).</summary>
    public static void Add(DataViewSchema.Annotations.Builder builder, bool isCharacterLevel, bool isByteLevel = false)
    {
        builder.Add(AnnotationNames.IsCharacterLevel, BooleanDataViewType.Instance, (ref bool value) => value = isCharacterLevel);
        if (isByteLevel) builder.Add(AnnotationNames.IsByteLevel, BooleanDataViewType.Instance, (ref bool value) => value = true);
    }

    /// <summary>Annotations holding only the flags (token columns).</summary>
    public static DataViewSchema.Annotations Create(bool isCharacterLevel, bool isByteLevel = false)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        Add(builder, isCharacterLevel, isByteLevel);
        return builder.ToAnnotations();
    }

    /// <summary>The character-level flag on <paramref name="column"/>, or null when the column has none (e.g. columns made by ML.NET).</summary>
    public static bool? GetIsCharacterLevel(this DataViewSchema.Column column) => GetFlag(column, AnnotationNames.IsCharacterLevel);

    /// <summary>True when <paramref name="column"/> holds byte-level subwords.</summary>
    public static bool GetIsByteLevel(this DataViewSchema.Column column) => GetFlag(column, AnnotationNames.IsByteLevel) == true;

    private static bool? GetFlag(DataViewSchema.Column column, string name)
    {
        var kind = column.Annotations.Schema.GetColumnOrNull(name);
        if (kind is not { Type: BooleanDataViewType }) return null;
        bool value = false;
        column.Annotations.GetValue(name, ref value);
        return value;
    }
}
