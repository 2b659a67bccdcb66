namespace Microsoft.ML.SequenceLM.Persistence;

/// <summary>The vocabulary as a model entry (its own versioned JSON, see <see cref="Vocabulary.ToJsonUtf8"/>).</summary>
internal static class VocabularyEntry
{
    public const string Name = "vocabulary.json";

    public static void Write(ComponentWriter writer, Vocabulary vocabulary) => writer.SaveBytes(Name, vocabulary.ToJsonUtf8());

    public static Vocabulary Read(ComponentReader reader) => Vocabulary.FromJson(reader.LoadBytes(Name, Vocabulary.MaxJsonBytes));
}
