namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Options of the subword tokenizer (<see cref="TokenizationCatalog.TokenizeSubwords"/>): a pretrained encoding of
/// <c>Microsoft.ML.Tokenizers</c> (<see cref="Encoding"/>), or byte-level BPE learned from the training text.
/// </summary>
public sealed class SubwordTokenizerOptions
{
    /// <summary>The smallest learned vocabulary: the byte alphabet, which every byte-level vocabulary holds.</summary>
    public const int MinimumVocabularySize = ByteLevelAlphabet.Size;

    /// <summary>
    /// A pretrained encoding: <c>"gpt2"</c>, <c>"cl100k_base"</c> or <c>"o200k_base"</c> (their data packages come
    /// with this library). Null (default): learn byte-level BPE from the training text.
    /// </summary>
    public string? Encoding { get; set; }

    /// <summary>Learned BPE: the number of tokens to learn, the 256 bytes included (default 2,000).</summary>
    public int VocabularySize { get; set; } = 2000;

    /// <summary>Learned BPE: a pair is merged only when it occurs at least this many times (default 2).</summary>
    public int MinimumPairCount { get; set; } = 2;

    /// <summary>GPT-2's pretrained encoding.</summary>
    public static SubwordTokenizerOptions Gpt2() => new() { Encoding = "gpt2" };

    /// <summary>Byte-level BPE learned from the training text up to <paramref name="vocabularySize"/> tokens.</summary>
    public static SubwordTokenizerOptions Learned(int vocabularySize) => new() { VocabularySize = vocabularySize };

    /// <summary>A copy of these options.</summary>
    public SubwordTokenizerOptions Clone() => (SubwordTokenizerOptions)MemberwiseClone();

    internal void Validate()
    {
        if (Encoding != null)
        {
            PretrainedEncoding.Validate(Encoding);
            return;
        }
        if (VocabularySize < MinimumVocabularySize)
            throw new ArgumentOutOfRangeException($"{nameof(SubwordTokenizerOptions)}.{nameof(VocabularySize)}", VocabularySize,
                $"{nameof(SubwordTokenizerOptions)}.{nameof(VocabularySize)} is {VocabularySize}, smaller than the byte alphabet every byte-level vocabulary holds; " +
                $"set it to at least {MinimumVocabularySize} (256 bytes + the merges to learn).");
        Check.InRange(VocabularySize, MinimumVocabularySize, 1_000_000, $"{nameof(SubwordTokenizerOptions)}.{nameof(VocabularySize)}");
        Check.InRange(MinimumPairCount, 1, int.MaxValue, $"{nameof(SubwordTokenizerOptions)}.{nameof(MinimumPairCount)}");
    }
}
