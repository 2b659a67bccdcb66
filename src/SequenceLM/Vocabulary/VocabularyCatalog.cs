namespace Microsoft.ML.SequenceLM;

/// <summary>Tokens ↔ keys on ML.NET's <c>ml.Transforms</c>.</summary>
public static class VocabularyCatalog
{
    /// <summary>
    /// Learns a vocabulary from a token column and maps tokens to keys. Output: vector of ML.NET keys (1-based) whose
    /// <c>KeyValues</c> annotation is the vocabulary, so ML.NET's <c>MapKeyToValue</c> decodes them.
    /// </summary>
    /// <param name="catalog">ML.NET's transforms catalog (<c>ml.Transforms</c>).</param>
    /// <param name="outputColumnName">The key column to produce (default <c>"Keys"</c>).</param>
    /// <param name="inputColumnName">The token column to read (default <c>"Tokens"</c>).</param>
    /// <param name="options">Minimum count, maximum size, reserved tokens and ordering.</param>
    public static TokensToKeysEstimator MapTokensToKeys(this TransformsCatalog catalog, string outputColumnName = "Keys", string inputColumnName = "Tokens",
        VocabularyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, options);
    }

    /// <summary>Maps tokens to keys with an existing vocabulary (fitting reads no data; use it to fine-tune with the same keys).</summary>
    public static TokensToKeysEstimator MapTokensToKeys(this TransformsCatalog catalog, Vocabulary vocabulary, string outputColumnName = "Keys",
        string inputColumnName = "Tokens")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(vocabulary, outputColumnName, inputColumnName);
    }

    /// <summary>Maps keys back to tokens with the key column's vocabulary (or <paramref name="vocabulary"/>).</summary>
    public static KeysToTokensEstimator MapKeysToTokens(this TransformsCatalog catalog, string outputColumnName = "Tokens", string inputColumnName = "Keys",
        Vocabulary? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, vocabulary);
    }
}
