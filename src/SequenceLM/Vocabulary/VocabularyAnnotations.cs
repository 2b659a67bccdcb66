namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The vocabulary as it travels on key columns: ML.NET's <c>KeyValues</c> annotation (the tokens in key order) plus
/// <see cref="AnnotationNames.IsCharacterLevel"/>. Key columns made by ML.NET's <c>MapValueToKey</c> carry the first
/// only; their level is inferred from the tokens.
/// </summary>
public static class VocabularyAnnotations
{
    /// <summary>Annotations holding <paramref name="vocabulary"/> as the key values.</summary>
    public static DataViewSchema.Annotations Create(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var tokens = vocabulary.Tokens.Select(t => t.AsMemory()).ToArray();
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(AnnotationNames.KeyValues, new VectorDataViewType(TextDataViewType.Instance, tokens.Length),
            (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(tokens.Length, tokens));
        CharacterLevelAnnotation.Add(builder, vocabulary.IsCharacterLevel, vocabulary.IsByteLevel);
        return builder.ToAnnotations();
    }

    /// <summary>The vocabulary of a key column (from its <c>KeyValues</c>), or null when it has none.</summary>
    public static Vocabulary? GetVocabulary(this DataViewSchema.Column column)
    {
        if (!column.HasKeyValues()) return null;
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        var tokens = values.DenseValues().Select(t => t.ToString()).ToArray();
        bool isByteLevel = column.GetIsByteLevel();
        bool isCharacterLevel = !isByteLevel && (column.GetIsCharacterLevel() ?? tokens.All(t => Vocabulary.IsReservedToken(t) || Vocabulary.IsSingleCharacter(t)));
        return new Vocabulary(tokens, isCharacterLevel, isByteLevel);
    }
}
