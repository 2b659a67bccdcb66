namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Transforms: <c>ml.Transforms</c> — tokenization, vocabulary (tokens ↔ keys) and windowing. As in ML.NET, the output
/// column name comes first; every method returns an estimator to <c>Append</c> into a pipeline.
/// </summary>
public sealed partial class TransformsCatalog
{
    internal TransformsCatalog(SequenceLMContext context) => Context = context;

    /// <summary>The context this catalog belongs to.</summary>
    internal SequenceLMContext Context { get; }
}

public sealed partial class TransformsCatalog
{
    /// <summary>Splits text into characters (one token per character). Output: vector of text.</summary>
    /// <param name="outputColumnName">The token column to produce (default <c>"Tokens"</c>).</param>
    /// <param name="inputColumnName">The text column to read (default <c>"Text"</c>).</param>
    /// <param name="options">Lower-casing, kept characters and line-break handling.</param>
    public CharTokenizingEstimator TokenizeChars(string outputColumnName = "Tokens", string inputColumnName = "Text", CharTokenizerOptions? options = null) =>
        new(outputColumnName, inputColumnName, options);

    /// <summary>Splits text into words. Output: vector of text.</summary>
    /// <param name="outputColumnName">The token column to produce (default <c>"Tokens"</c>).</param>
    /// <param name="inputColumnName">The text column to read (default <c>"Text"</c>).</param>
    /// <param name="options">Separator, lower-casing, punctuation and end-of-line token.</param>
    public WordTokenizingEstimator TokenizeWords(string outputColumnName = "Tokens", string inputColumnName = "Text", WordTokenizerOptions? options = null) =>
        new(outputColumnName, inputColumnName, options);

    /// <summary>Learns a vocabulary from a token column and maps tokens to keys. Output: vector of keys annotated with the vocabulary.</summary>
    /// <param name="outputColumnName">The key column to produce (default <c>"Keys"</c>).</param>
    /// <param name="inputColumnName">The token column to read (default <c>"Tokens"</c>).</param>
    /// <param name="options">Minimum count, maximum size, reserved tokens and ordering.</param>
    public TokensToKeysEstimator MapTokensToKeys(string outputColumnName = "Keys", string inputColumnName = "Tokens", VocabularyOptions? options = null) =>
        new(outputColumnName, inputColumnName, options);

    /// <summary>Maps tokens to keys with an existing vocabulary (fitting reads no data; use it to fine-tune with the same keys).</summary>
    public TokensToKeysEstimator MapTokensToKeys(Vocabulary vocabulary, string outputColumnName = "Keys", string inputColumnName = "Tokens") =>
        new(vocabulary, outputColumnName, inputColumnName);

    /// <summary>Maps keys back to tokens with the key column's vocabulary (or <paramref name="vocabulary"/>).</summary>
    public KeysToTokensEstimator MapKeysToTokens(string outputColumnName = "Tokens", string inputColumnName = "Keys", Vocabulary? vocabulary = null) =>
        new(outputColumnName, inputColumnName, vocabulary);

    /// <summary>Cuts the key column into training windows (sequential, random or per-row); see <see cref="WindowOptions"/>.</summary>
    /// <param name="options">Mode, batch size, sequence length and padding.</param>
    /// <param name="inputColumnName">The key column to read (default <c>"Keys"</c>).</param>
    public WindowingEstimator Window(WindowOptions? options = null, string inputColumnName = "Keys") =>
        new(options, inputColumnName);
}
