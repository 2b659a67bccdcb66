namespace Microsoft.ML.SequenceLM;

/// <summary>The order of the regular (non-reserved) tokens in a <see cref="Vocabulary"/>.</summary>
public enum VocabularyOrdering
{
    /// <summary>Most frequent first; ties broken by first occurrence (deterministic, as in d2l).</summary>
    ByFrequency,
    /// <summary>In order of first occurrence in the data (ML.NET's <c>ByOccurrence</c>).</summary>
    ByOccurrence,
    /// <summary>By ordinal (code-unit) order of the token text (ML.NET's <c>ByValue</c>).</summary>
    ByValue,
}

/// <summary>How a <see cref="Vocabulary"/> is built from tokens.</summary>
/// <remarks>
/// Reserved tokens come first, at fixed low keys, in the order <c>&lt;unk&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;bos&gt;</c>,
/// <c>&lt;eos&gt;</c> (only those enabled; e.g. with only <see cref="AddUnknownToken"/> the unknown token is key 0).
/// Occurrences of a reserved token's text in the data map to that reserved key.
/// </remarks>
public sealed class VocabularyOptions
{
    /// <summary>Tokens seen fewer times are left out (they map to <c>&lt;unk&gt;</c>). Default 1; range 1 .. int.MaxValue.</summary>
    public int MinimumCount { get; set; } = 1;

    /// <summary>The maximum number of tokens including reserved ones; the least frequent are left out. 0 (default) = no limit.</summary>
    public int MaximumSize { get; set; }

    /// <summary>Reserve <c>&lt;unk&gt;</c> for tokens not in the vocabulary (default true). Without it, unknown tokens are an error.</summary>
    public bool AddUnknownToken { get; set; } = true;

    /// <summary>Reserve <c>&lt;pad&gt;</c> (needed by per-row windowing; it is the loss's ignore index).</summary>
    public bool AddPaddingToken { get; set; }

    /// <summary>Reserve <c>&lt;bos&gt;</c> (beginning of sequence; needed by per-row windowing).</summary>
    public bool AddBeginToken { get; set; }

    /// <summary>Reserve <c>&lt;eos&gt;</c> (end of sequence; needed by per-row windowing).</summary>
    public bool AddEndToken { get; set; }

    /// <summary>The order of the regular tokens (default <see cref="VocabularyOrdering.ByFrequency"/>).</summary>
    public VocabularyOrdering Ordering { get; set; } = VocabularyOrdering.ByFrequency;

    /// <summary>
    /// Whether tokens are characters (decoding joins them without separator) or words (joined with spaces).
    /// Null (default): taken from the token column's <see cref="AnnotationNames.IsCharacterLevel"/> annotation, else
    /// true when every token is a single character.
    /// </summary>
    public bool? IsCharacterLevel { get; set; }

    /// <summary>Options for per-row (sequence-per-line) data such as names: all four reserved tokens.</summary>
    public static VocabularyOptions ForPerRowSequences() => new() { AddPaddingToken = true, AddBeginToken = true, AddEndToken = true };

    /// <summary>A copy of these options.</summary>
    public VocabularyOptions Clone() => (VocabularyOptions)MemberwiseClone();

    internal void Validate()
    {
        Check.InRange(MinimumCount, 1, int.MaxValue, $"{nameof(VocabularyOptions)}.{nameof(MinimumCount)}");
        Check.InRange(MaximumSize, 0, int.MaxValue, $"{nameof(VocabularyOptions)}.{nameof(MaximumSize)}");
        Check.Defined(Ordering, $"{nameof(VocabularyOptions)}.{nameof(Ordering)}");
        int reserved = ReservedTokens().Count();
        if (MaximumSize != 0 && MaximumSize <= reserved)
            throw new ArgumentOutOfRangeException($"{nameof(VocabularyOptions)}.{nameof(MaximumSize)}", MaximumSize,
                $"{nameof(VocabularyOptions)}.{nameof(MaximumSize)} must be 0 (no limit) or greater than the {reserved} reserved tokens; got {MaximumSize}.");
    }

    internal IEnumerable<string> ReservedTokens()
    {
        if (AddUnknownToken) yield return Vocabulary.UnknownToken;
        if (AddPaddingToken) yield return Vocabulary.PaddingToken;
        if (AddBeginToken) yield return Vocabulary.BeginToken;
        if (AddEndToken) yield return Vocabulary.EndToken;
    }
}
