namespace Microsoft.ML.SequenceLM;

/// <summary>Annotation kinds (names) on our columns.</summary>
public static class AnnotationNames
{
    /// <summary>
    /// ML.NET's key-values annotation (its constant is internal): on key columns, a vector of text with one item per key,
    /// item <c>k - 1</c> for key <c>k</c>. ML.NET's <c>MapKeyToValue</c> decodes our keys with it.
    /// </summary>
    public const string KeyValues = "KeyValues";

    /// <summary>On token and key columns: <see cref="bool"/>, true when tokens are characters (decoded without separator).</summary>
    public const string IsCharacterLevel = "IsCharacterLevel";

    /// <summary>
    /// On token and key columns of subwords: <see cref="bool"/>, true when each token is a string of byte symbols
    /// (GPT-2's byte-level alphabet), decoded by joining the tokens' bytes as UTF-8.
    /// </summary>
    public const string IsByteLevel = "IsByteLevel";
}
