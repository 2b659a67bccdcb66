namespace Microsoft.ML.SequenceLM;

public sealed partial class Vocabulary
{
    /// <summary>Builds a vocabulary from a sequence of tokens (see <see cref="VocabularyOptions"/>).</summary>
    public static Vocabulary Build(IEnumerable<string> tokens, VocabularyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var counter = new TokenCounter();
        foreach (var t in tokens) counter.Add(t);
        return FromCounts(counter, options, null);
    }

    /// <summary>Builds a vocabulary from token slices (no string is allocated per occurrence).</summary>
    public static Vocabulary Build(IEnumerable<ReadOnlyMemory<char>> tokens, VocabularyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var counter = new TokenCounter();
        foreach (var t in tokens) counter.Add(t.Span);
        return FromCounts(counter, options, null);
    }

    /// <summary>
    /// Builds a vocabulary from a token column (a vector of text per row, e.g. the output of <c>TokenizeChars</c> or
    /// <c>TokenizeWords</c>), reading every row once.
    /// </summary>
    /// <exception cref="SchemaMismatchException">The column is missing or not a vector of text.</exception>
    /// <exception cref="InvalidCorpusException">The column has no tokens.</exception>
    public static Vocabulary Build(IDataView data, string tokenColumnName = "Tokens", VocabularyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var col = data.Schema.RequireColumn(tokenColumnName, "Vector<Text>", SchemaChecks.IsTextVector);
        bool? charLevel = col.GetIsCharacterLevel();
        bool byteLevel = col.GetIsByteLevel();
        var counter = new TokenCounter();
        using (var cursor = data.GetRowCursor(new[] { col }))
        {
            var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(col);
            VBuffer<ReadOnlyMemory<char>> row = default;
            while (cursor.MoveNext())
            {
                getter(ref row);
                foreach (var t in row.DenseValues()) counter.Add(t.Span);
            }
        }
        return FromCounts(counter, options, charLevel, byteLevel);
    }

    // A byte-level vocabulary also holds every byte (beyond MaximumSize if need be), so any text encodes without <unk>.
    private static Vocabulary FromCounts(TokenCounter counter, VocabularyOptions? options, bool? annotatedCharLevel, bool byteLevel = false)
    {
        options ??= new VocabularyOptions();
        options.Validate();
        if (counter.Total == 0)
            throw new InvalidCorpusException("Cannot build a vocabulary: the data has no tokens (0 tokens). Check that the file is not empty and that the tokenizer options do not remove everything.");
        var reserved = options.ReservedTokens().ToList();
        var reservedSet = new HashSet<string>(reserved, StringComparer.Ordinal);
        var entries = counter.Entries
            .Select((e, i) => (e.Token, e.Count, First: i))
            .Where(e => !reservedSet.Contains(e.Token) && e.Count >= options.MinimumCount);
        entries = options.Ordering switch
        {
            VocabularyOrdering.ByFrequency => entries.OrderByDescending(e => e.Count).ThenBy(e => e.First),
            VocabularyOrdering.ByValue => entries.OrderBy(e => e.Token, StringComparer.Ordinal),
            _ => entries,
        };
        var regular = entries.Select(e => e.Token);
        if (options.MaximumSize > 0) regular = regular.Take(options.MaximumSize - reserved.Count);
        var tokens = reserved.Concat(regular).ToList();
        if (byteLevel) tokens.AddRange(ByteLevelAlphabet.Symbols.Except(tokens, StringComparer.Ordinal));
        bool charLevel = !byteLevel && (options.IsCharacterLevel ?? annotatedCharLevel
            ?? counter.Entries.All(e => reservedSet.Contains(e.Token) || IsSingleCharacter(e.Token)));
        if (tokens.Count == 0)
            throw new InvalidCorpusException($"No token occurs at least {options.MinimumCount} times and no reserved token is enabled; lower {nameof(VocabularyOptions)}.{nameof(VocabularyOptions.MinimumCount)}.", counter.Total);
        return new Vocabulary(tokens, charLevel, byteLevel);
    }

    internal static bool IsSingleCharacter(string token) =>
        token.Length == 1 || (token.Length == 2 && char.IsSurrogatePair(token[0], token[1]));
}
