using System.Text;

namespace Microsoft.ML.SequenceLM.Generation;

/// <summary>
/// Turns prompt tokens (from the model's own tokenizer) or keys into the keys a generation starts from (unknown
/// tokens become &lt;unk&gt;), and sampled keys back into text pieces.
/// </summary>
internal sealed class TokenCodec
{
    // sampleUnknown: whether <unk> may be generated. Yes when the training text held it (PTB); no when it was only
    // reserved, since then its probability is noise and a sampled "<unk>" would corrupt the text.
    public TokenCodec(Vocabulary vocabulary, bool perRow, bool sampleUnknown)
    {
        Vocabulary = vocabulary;
        PerRow = perRow;
        SampleUnknown = sampleUnknown;
        BannedKeys = new[] { vocabulary.PaddingKey, vocabulary.BeginKey, sampleUnknown ? null : vocabulary.UnknownKey }
            .OfType<long>().Distinct().ToArray();
    }

    public bool SampleUnknown { get; }

    public Vocabulary Vocabulary { get; }

    /// <summary>Per-row models start every sequence with &lt;bos&gt; and end it with &lt;eos&gt;.</summary>
    public bool PerRow { get; }

    /// <summary>Tokens the sampler must never produce: padding, begin-of-sequence, and &lt;unk&gt; unless trained on.</summary>
    public long[] BannedKeys { get; }

    public long[] EncodePrompt(ReadOnlySpan<ReadOnlyMemory<char>> tokens)
    {
        var keys = new List<long>(tokens.Length + 1);
        if (PerRow && Vocabulary.BeginKey is { } bos) keys.Add(bos);
        foreach (var token in tokens)
        {
            try { Vocabulary.AppendKeys(token.Span, keys); }
            catch (UnknownTokenException) { } // without <unk> the token is left out rather than failing the prompt
        }
        return Finish(keys);
    }

    public long[] EncodePrompt(ReadOnlySpan<long> promptKeys)
    {
        var keys = new List<long>(promptKeys.Length + 1);
        if (PerRow && Vocabulary.BeginKey is { } bos && (promptKeys.IsEmpty || promptKeys[0] != bos)) keys.Add(bos);
        foreach (var key in promptKeys)
        {
            if ((ulong)key < (ulong)Vocabulary.Count) keys.Add(key);
            else if (Vocabulary.UnknownKey is { } unk) keys.Add(unk);
        }
        return Finish(keys);
    }

    private long[] Finish(List<long> keys)
    {
        if (keys.Count == 0) keys.Add(DefaultStartKey());
        return keys.ToArray();
    }

    /// <summary>The token an empty prompt starts from: &lt;bos&gt;, else a newline, else the most frequent token.</summary>
    private long DefaultStartKey()
    {
        if (Vocabulary.BeginKey is { } bos) return bos;
        if (Vocabulary.TryGetKey(Vocabulary.IsByteLevel ? ByteLevelAlphabet.FromText("\n") : "\n", out var newline)) return newline;
        if (Vocabulary.EndKey is { } eos) return eos;
        for (long k = 0; k < Vocabulary.Count; k++)
            if (!Vocabulary.IsReserved(k)) return k;
        return 0;
    }

    /// <summary>
    /// The text a generated key adds: characters as they are, words with a separating space, &lt;eos&gt; as a line
    /// end, byte-level subwords as the characters their bytes complete (<paramref name="utf8"/>, one per row, holds
    /// the bytes of a character that a later token finishes, so no piece ends inside a character).
    /// </summary>
    public string Piece(long key, bool first, Decoder utf8)
    {
        if (!PerRow && key == Vocabulary.EndKey) return "\n";
        var token = Vocabulary.GetToken(key);
        if (Vocabulary.IsByteLevel)
        {
            var bytes = new List<byte>(token.Length);
            ByteLevelAlphabet.AppendBytes(token, bytes);
            var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Count)];
            int n = utf8.GetChars(bytes.ToArray(), 0, bytes.Count, chars, 0, flush: false);
            return new string(chars, 0, n);
        }
        if (Vocabulary.IsCharacterLevel) return token;
        return first ? token : " " + token;
    }

    /// <summary>
    /// The per-row decoder <see cref="Piece"/> needs. A model may sample bytes that form no character (a continuation
    /// byte alone, a lead byte followed by a letter); they are dropped, never shown as U+FFFD.
    /// </summary>
    public static Decoder CreateUtf8Decoder() => Utf8DroppingInvalid.GetDecoder();

    private static readonly Encoding Utf8DroppingInvalid = Encoding.GetEncoding("utf-8", EncoderFallback.ExceptionFallback, new DecoderReplacementFallback(""));

    public string PromptText(long[] keys) => Vocabulary.Decode(keys, skipSpecialTokens: true);
}
