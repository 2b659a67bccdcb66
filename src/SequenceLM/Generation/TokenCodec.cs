namespace Microsoft.ML.SequenceLM.Generation;

/// <summary>
/// Turns prompt text into keys with the model's own tokenizer and vocabulary (unknown tokens become &lt;unk&gt;),
/// and keys back into text pieces.
/// </summary>
internal sealed class TokenCodec
{
    private readonly Func<string, IReadOnlyList<ReadOnlyMemory<char>>> _tokenize;
    private readonly string? _endOfLineToken;

    public TokenCodec(Vocabulary vocabulary, Func<string, IReadOnlyList<ReadOnlyMemory<char>>> tokenize, bool perRow,
        string? endOfLineToken)
    {
        Vocabulary = vocabulary;
        _tokenize = tokenize;
        PerRow = perRow;
        _endOfLineToken = endOfLineToken;
    }

    public Vocabulary Vocabulary { get; }

    /// <summary>Per-row models start every sequence with &lt;bos&gt; and end it with &lt;eos&gt;.</summary>
    public bool PerRow { get; }

    /// <summary>Tokens the sampler must never produce: padding and begin-of-sequence.</summary>
    public long[] BannedKeys => new[] { Vocabulary.PaddingKey, Vocabulary.BeginKey }.OfType<long>().ToArray();

    public long[] EncodePrompt(string text)
    {
        var tokens = string.IsNullOrEmpty(text) ? Array.Empty<ReadOnlyMemory<char>>() : _tokenize(text);
        var keys = new List<long>(tokens.Count + 1);
        if (PerRow && Vocabulary.BeginKey is { } bos) keys.Add(bos);
        foreach (var token in tokens)
        {
            if (Vocabulary.TryGetKey(token.Span, out var key)) keys.Add(key);
            else if (Vocabulary.UnknownKey is { } unk) keys.Add(unk);
            // A vocabulary without <unk> has no way to say the token: leave it out rather than fail mid-prompt.
        }
        if (keys.Count == 0) keys.Add(DefaultStartKey());
        return keys.ToArray();
    }

    /// <summary>The token an empty prompt starts from: &lt;bos&gt;, else a newline, else the most frequent token.</summary>
    private long DefaultStartKey()
    {
        if (Vocabulary.BeginKey is { } bos) return bos;
        if (Vocabulary.TryGetKey("\n", out var newline)) return newline;
        if (_endOfLineToken != null && Vocabulary.TryGetKey(_endOfLineToken, out var eol)) return eol;
        for (long k = 0; k < Vocabulary.Count; k++)
            if (!Vocabulary.IsReserved(k)) return k;
        return 0;
    }

    /// <summary>The text a generated key adds: characters as they are, words with a leading space.</summary>
    public string Piece(long key, bool first)
    {
        var token = Vocabulary.GetToken(key);
        if (Vocabulary.IsCharacterLevel) return token;
        if (_endOfLineToken != null && token == _endOfLineToken) return "\n";
        return first ? token : " " + token;
    }

    public string PromptText(long[] keys) => Vocabulary.Decode(keys, skipSpecialTokens: true);
}
