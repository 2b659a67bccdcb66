namespace Microsoft.ML.SequenceLM;

/// <summary>Reads and writes the vocabulary carried by key columns (<see cref="AnnotationKinds.KeyValues"/>).</summary>
public static class VocabularyAnnotations
{
    /// <summary>Annotations holding <paramref name="vocabulary"/> as the key values.</summary>
    public static DataViewSchema.Annotations Create(Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new DataViewSchema.Annotations.Builder()
            .Add(AnnotationKinds.KeyValues, new VectorDataViewType(TextDataViewType.Instance, vocabulary.Count), vocabulary)
            .Add(AnnotationKinds.IsCharacterLevel, BooleanDataViewType.Instance, vocabulary.IsCharacterLevel)
            .ToAnnotations();
    }

    /// <summary>The vocabulary of a key column, or null when it has none.</summary>
    public static Vocabulary? GetVocabulary(this DataViewSchema.Column column) =>
        column.Annotations.TryGetValue(AnnotationKinds.KeyValues, out Vocabulary v) ? v : null;

    /// <summary>The key-vector type of columns encoded with <paramref name="vocabulary"/>.</summary>
    public static VectorDataViewType KeyVectorType(Vocabulary vocabulary, int size = 0) =>
        new(new KeyDataViewType(vocabulary.Count), size);
}
