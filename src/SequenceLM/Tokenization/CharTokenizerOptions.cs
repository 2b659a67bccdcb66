namespace Microsoft.ML.SequenceLM;

/// <summary>Which characters the character tokenizer keeps.</summary>
public enum CharacterClass
{
    /// <summary>Every character is a token.</summary>
    All,
    /// <summary>
    /// Only ASCII letters A–Z, a–z are kept; every run of other characters becomes one space (trimmed at the ends and
    /// next to kept newlines) — d2l's preprocessing <c>re.sub('[^A-Za-z]+', ' ', text)</c>. Usually combined with
    /// <see cref="CharTokenizerOptions.LowerCase"/> and <see cref="NewlineHandling.ToSpace"/>.
    /// </summary>
    LettersOnly,
    /// <summary>Unicode letters, decimal digits and punctuation are kept; every run of other characters (white space, symbols, controls) becomes one space.</summary>
    LettersDigitsPunctuation,
}

/// <summary>What the character tokenizer does with line breaks (<c>\r\n</c>, <c>\r</c> and <c>\n</c> all count as one line break).</summary>
public enum NewlineHandling
{
    /// <summary>Each line break is a <c>\n</c> token.</summary>
    Keep,
    /// <summary>Each line break is treated as a space.</summary>
    ToSpace,
    /// <summary>Line breaks are deleted.</summary>
    Remove,
}

/// <summary>Options of the character tokenizer (<see cref="TokenizationCatalog.TokenizeChars"/>).</summary>
public sealed class CharTokenizerOptions
{
    /// <summary>Lower-case every character (invariant culture). Default false.</summary>
    public bool LowerCase { get; set; }

    /// <summary>Which characters are kept (default <see cref="SequenceLM.CharacterClass.All"/>).</summary>
    public CharacterClass CharacterClass { get; set; } = CharacterClass.All;

    /// <summary>What happens to line breaks (default <see cref="NewlineHandling.Keep"/>).</summary>
    public NewlineHandling Newlines { get; set; } = NewlineHandling.Keep;

    /// <summary>d2l's preprocessing: ASCII letters only, lower case, line breaks as spaces.</summary>
    public static CharTokenizerOptions D2lLettersOnly() => new() { LowerCase = true, CharacterClass = CharacterClass.LettersOnly, Newlines = NewlineHandling.ToSpace };

    /// <summary>A copy of these options.</summary>
    public CharTokenizerOptions Clone() => (CharTokenizerOptions)MemberwiseClone();

    internal void Validate()
    {
        Check.Defined(CharacterClass, $"{nameof(CharTokenizerOptions)}.{nameof(CharacterClass)}");
        Check.Defined(Newlines, $"{nameof(CharTokenizerOptions)}.{nameof(Newlines)}");
    }
}
