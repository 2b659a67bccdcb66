using System.Text.RegularExpressions;

namespace Microsoft.ML.SequenceLM;

/// <summary>How the word tokenizer finds word boundaries.</summary>
public enum WordSeparator
{
    /// <summary>Runs of white space separate words.</summary>
    Whitespace,
    /// <summary>Matches of <see cref="WordTokenizerOptions.Pattern"/> separate words.</summary>
    Regex,
}

/// <summary>What the word tokenizer does with punctuation inside the pieces between separators.</summary>
public enum PunctuationHandling
{
    /// <summary>Punctuation stays where it is (<c>"end."</c> is one token). Right for pre-tokenized corpora such as PTB.</summary>
    Keep,
    /// <summary>
    /// Each punctuation or symbol character becomes its own token (<c>"end."</c> → <c>"end"</c>, <c>"."</c>); an apostrophe
    /// or hyphen between two letters or digits stays inside the word (<c>"don't"</c>, <c>"well-known"</c>).
    /// </summary>
    Split,
    /// <summary>As <see cref="Split"/>, but the punctuation tokens are dropped.</summary>
    Remove,
}

/// <summary>
/// Options of the word tokenizer (<see cref="TokenizationCatalog.TokenizeWords"/>). Tokens written in angle brackets
/// such as <c>&lt;unk&gt;</c> pass through unchanged (not lower-cased, not split).
/// </summary>
public sealed class WordTokenizerOptions
{
    /// <summary>White space (default) or a regular expression separates words.</summary>
    public WordSeparator Separator { get; set; } = WordSeparator.Whitespace;

    /// <summary>The separator pattern when <see cref="Separator"/> is <see cref="WordSeparator.Regex"/> (e.g. <c>@"[\s,;]+"</c>).</summary>
    public string? Pattern { get; set; }

    /// <summary>Lower-case tokens (invariant culture). Default false.</summary>
    public bool LowerCase { get; set; }

    /// <summary>Keep (default), split off or remove punctuation.</summary>
    public PunctuationHandling Punctuation { get; set; } = PunctuationHandling.Keep;

    /// <summary>
    /// When set (e.g. <c>"&lt;eos&gt;"</c>), this token is appended at the end of every line, PTB style: each line
    /// break ends a line, and so does the end of the row's text unless it ends with a line break. Default null.
    /// </summary>
    public string? EndOfLineToken { get; set; }

    /// <summary>PTB style: white space, punctuation kept, <c>&lt;eos&gt;</c> at each line end.</summary>
    public static WordTokenizerOptions Ptb() => new() { EndOfLineToken = Vocabulary.EndToken };

    /// <summary>A copy of these options.</summary>
    public WordTokenizerOptions Clone() => (WordTokenizerOptions)MemberwiseClone();

    internal Regex? Validate()
    {
        Check.Defined(Separator, $"{nameof(WordTokenizerOptions)}.{nameof(Separator)}");
        Check.Defined(Punctuation, $"{nameof(WordTokenizerOptions)}.{nameof(Punctuation)}");
        if (EndOfLineToken != null && (EndOfLineToken.Length == 0 || EndOfLineToken.Any(char.IsWhiteSpace)))
            throw new ArgumentException($"{nameof(WordTokenizerOptions)}.{nameof(EndOfLineToken)} must be null or a non-empty token without white space; got '{EndOfLineToken}'.", nameof(EndOfLineToken));
        if (Separator != WordSeparator.Regex) return null;
        if (string.IsNullOrEmpty(Pattern))
            throw new ArgumentException($"{nameof(WordTokenizerOptions)}.{nameof(Pattern)} is required when {nameof(Separator)} is {nameof(WordSeparator.Regex)}.", nameof(Pattern));
        try { return new Regex(Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10)); }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{nameof(WordTokenizerOptions)}.{nameof(Pattern)} '{Pattern}' is not a valid regular expression: {e.Message}", nameof(Pattern), e);
        }
    }
}
