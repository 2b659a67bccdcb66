namespace Microsoft.ML.SequenceLM;

/// <summary>Well-known annotation kinds (names) used on columns.</summary>
public static class AnnotationKinds
{
    /// <summary>
    /// On key columns (and key-vector columns): the values the keys stand for. In this library the value is the
    /// <see cref="Vocabulary"/> itself (annotation type: vector of text with one item per key).
    /// </summary>
    public const string KeyValues = "KeyValues";

    /// <summary>On token columns: <see cref="bool"/> telling whether tokens are characters (true) or words (false).</summary>
    public const string IsCharacterLevel = "IsCharacterLevel";
}
