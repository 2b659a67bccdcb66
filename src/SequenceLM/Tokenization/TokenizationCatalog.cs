namespace Microsoft.ML.SequenceLM;

/// <summary>Tokenizers on ML.NET's <c>ml.Transforms</c>. As in ML.NET, the output column name comes first.</summary>
public static class TokenizationCatalog
{
    /// <summary>Splits text into characters (one token per character). Output: variable-length vector of text.</summary>
    /// <param name="catalog">ML.NET's transforms catalog (<c>ml.Transforms</c>).</param>
    /// <param name="outputColumnName">The token column to produce (default <c>"Tokens"</c>).</param>
    /// <param name="inputColumnName">The text column to read (default <c>"Text"</c>).</param>
    /// <param name="options">Lower-casing, kept characters and line-break handling.</param>
    public static CharTokenizingEstimator TokenizeChars(this TransformsCatalog catalog, string outputColumnName = "Tokens", string inputColumnName = "Text",
        CharTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, options);
    }

    /// <summary>Splits text into words. Output: variable-length vector of text.</summary>
    /// <param name="catalog">ML.NET's transforms catalog (<c>ml.Transforms</c>).</param>
    /// <param name="outputColumnName">The token column to produce (default <c>"Tokens"</c>).</param>
    /// <param name="inputColumnName">The text column to read (default <c>"Text"</c>).</param>
    /// <param name="options">Separator, lower-casing, punctuation and end-of-line token.</param>
    public static WordTokenizingEstimator TokenizeWords(this TransformsCatalog catalog, string outputColumnName = "Tokens", string inputColumnName = "Text",
        WordTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, options);
    }

    /// <summary>
    /// Splits text into byte-level subwords: a pretrained encoding of <c>Microsoft.ML.Tokenizers</c> (GPT-2,
    /// cl100k_base, o200k_base) or BPE learned from the training text when fitted. Output: variable-length vector of
    /// text (byte symbols); <c>MapTokensToKeys</c> turns it into keys whose decoding gives back the exact text.
    /// </summary>
    /// <param name="catalog">ML.NET's transforms catalog (<c>ml.Transforms</c>).</param>
    /// <param name="outputColumnName">The token column to produce (default <c>"Tokens"</c>).</param>
    /// <param name="inputColumnName">The text column to read (default <c>"Text"</c>).</param>
    /// <param name="options">The pretrained encoding, or the size of the vocabulary to learn.</param>
    public static SubwordTokenizingEstimator TokenizeSubwords(this TransformsCatalog catalog, string outputColumnName = "Tokens", string inputColumnName = "Text",
        SubwordTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(outputColumnName, inputColumnName, options);
    }
}
