using System.Runtime.InteropServices;
using System.Text;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The tokens of a language model and their keys (ids): key <c>k</c> stands for <c>Tokens[k]</c>. Immutable.
/// Build one from data with <see cref="Build(IEnumerable{string}, VocabularyOptions?)"/> (or the
/// <c>MapTokensToKeys</c> transform); keep one for fine-tuning by passing it to <c>MapTokensToKeys</c>.
/// </summary>
/// <remarks>
/// Reserved tokens (<see cref="UnknownToken"/>, <see cref="PaddingToken"/>, <see cref="BeginToken"/>,
/// <see cref="EndToken"/>) are recognised by their text. Tokens not in the vocabulary map to <see cref="UnknownKey"/>;
/// without an unknown token they raise <see cref="UnknownTokenException"/>.
/// </remarks>
public sealed partial class Vocabulary
{
    /// <summary>The unknown-token text, <c>&lt;unk&gt;</c>.</summary>
    public const string UnknownToken = "<unk>";
    /// <summary>The padding-token text, <c>&lt;pad&gt;</c>.</summary>
    public const string PaddingToken = "<pad>";
    /// <summary>The beginning-of-sequence text, <c>&lt;bos&gt;</c>.</summary>
    public const string BeginToken = "<bos>";
    /// <summary>The end-of-sequence text, <c>&lt;eos&gt;</c>.</summary>
    public const string EndToken = "<eos>";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _keys;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Creates a vocabulary from tokens in key order (key i = i-th token).</summary>
    /// <param name="tokens">Distinct, non-empty tokens.</param>
    /// <param name="isCharacterLevel">True for character tokens (decoding joins without separator); false for words.</param>
    /// <param name="isByteLevel">True for byte-level subwords (tokens are byte symbols; decoding joins their bytes as UTF-8). Such vocabularies are not character-level.</param>
    public Vocabulary(IEnumerable<string> tokens, bool isCharacterLevel, bool isByteLevel = false)
    {
        if (isCharacterLevel && isByteLevel) throw new ArgumentException("A vocabulary is character-level or byte-level, not both.", nameof(isByteLevel));
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens.ToArray();
        if (_tokens.Length == 0) throw new ArgumentException("A vocabulary needs at least one token.", nameof(tokens));
        _keys = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < _tokens.Length; i++)
        {
            if (string.IsNullOrEmpty(_tokens[i])) throw new ArgumentException($"Token {i} is null or empty.", nameof(tokens));
            if (!_keys.TryAdd(_tokens[i], i)) throw new ArgumentException($"Token '{_tokens[i]}' appears twice (keys {_keys[_tokens[i]]} and {i}).", nameof(tokens));
        }
        _lookup = _keys.GetAlternateLookup<ReadOnlySpan<char>>();
        IsCharacterLevel = isCharacterLevel;
        IsByteLevel = isByteLevel;
        UnknownKey = KeyOrNull(UnknownToken);
        PaddingKey = KeyOrNull(PaddingToken);
        BeginKey = KeyOrNull(BeginToken);
        EndKey = KeyOrNull(EndToken);
    }

    /// <summary>The number of tokens (keys are <c>0 .. Count-1</c>).</summary>
    public int Count => _tokens.Length;

    /// <summary>True for character-level vocabularies (decoded without separator); false for words (joined with spaces).</summary>
    public bool IsCharacterLevel { get; }

    /// <summary>True for byte-level subword vocabularies (see <see cref="SubwordTokenizingTransformer"/>): decoding joins the tokens' bytes and reads them as UTF-8.</summary>
    public bool IsByteLevel { get; }

    /// <summary>What the tokens are, in words: "characters", "words" or "subwords".</summary>
    public string TokenKind => IsByteLevel ? "subwords" : IsCharacterLevel ? "characters" : "words";

    /// <summary>The tokens in key order.</summary>
    public IReadOnlyList<string> Tokens => Array.AsReadOnly(_tokens);

    /// <summary>The key of <c>&lt;unk&gt;</c>, or null when absent (unknown tokens are then an error).</summary>
    public long? UnknownKey { get; }

    /// <summary>The key of <c>&lt;pad&gt;</c>, or null. In padded batches it is the loss's ignore index.</summary>
    public long? PaddingKey { get; }

    /// <summary>The key of <c>&lt;bos&gt;</c>, or null.</summary>
    public long? BeginKey { get; }

    /// <summary>The key of <c>&lt;eos&gt;</c>, or null.</summary>
    public long? EndKey { get; }

    /// <summary>The token of <paramref name="key"/>.</summary>
    public string this[long key] => GetToken(key);

    /// <summary>The token of <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The key is not in <c>[0, Count)</c>.</exception>
    public string GetToken(long key)
    {
        if ((ulong)key >= (ulong)_tokens.Length)
            throw new ArgumentOutOfRangeException(nameof(key), key, $"Key must be between 0 and {_tokens.Length - 1}; got {key}.");
        return _tokens[key];
    }

    /// <summary>True when <paramref name="key"/> is one of the reserved tokens.</summary>
    public bool IsReserved(long key) => key == UnknownKey || key == PaddingKey || key == BeginKey || key == EndKey;

    /// <summary>Looks up a token's key without mapping unknown tokens.</summary>
    public bool TryGetKey(ReadOnlySpan<char> token, out long key)
    {
        if (_lookup.TryGetValue(token, out int k)) { key = k; return true; }
        key = -1;
        return false;
    }

    /// <summary>True when <paramref name="token"/> is in the vocabulary.</summary>
    public bool Contains(ReadOnlySpan<char> token) => _lookup.ContainsKey(token);

    /// <summary>The key of <paramref name="token"/>; <see cref="UnknownKey"/> when absent.</summary>
    /// <exception cref="UnknownTokenException">The token is absent and there is no <c>&lt;unk&gt;</c>.</exception>
    public long GetKey(ReadOnlySpan<char> token)
    {
        if (_lookup.TryGetValue(token, out int k)) return k;
        return UnknownKey ?? throw new UnknownTokenException(token.ToString(), Count);
    }

    /// <summary>Encodes tokens into <paramref name="destination"/> (same length).</summary>
    public void Encode(ReadOnlySpan<ReadOnlyMemory<char>> tokens, Span<long> destination)
    {
        if (destination.Length < tokens.Length) throw new ArgumentException($"Destination has {destination.Length} slots for {tokens.Length} tokens.", nameof(destination));
        for (int i = 0; i < tokens.Length; i++) destination[i] = GetKey(tokens[i].Span);
    }

    /// <summary>Encodes tokens to keys; in a byte-level vocabulary an unknown subword becomes the keys of its bytes.</summary>
    public long[] Encode(ReadOnlySpan<ReadOnlyMemory<char>> tokens)
    {
        if (!IsByteLevel)
        {
            var keys = new long[tokens.Length];
            Encode(tokens, keys);
            return keys;
        }
        var list = new List<long>(tokens.Length);
        foreach (var token in tokens) AppendKeys(token.Span, list);
        return list.ToArray();
    }

    /// <summary>
    /// Appends the key of <paramref name="token"/>; in a byte-level vocabulary a subword it lacks is spelled with
    /// the keys of its bytes (byte fallback) when it holds them, else <see cref="UnknownKey"/>.
    /// </summary>
    /// <exception cref="UnknownTokenException">The token is absent and there is no <c>&lt;unk&gt;</c>.</exception>
    public void AppendKeys(ReadOnlySpan<char> token, List<long> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (_lookup.TryGetValue(token, out int k)) { keys.Add(k); return; }
        if (IsByteLevel && ByteLevelAlphabet.IsSymbols(token))
        {
            int start = keys.Count;
            foreach (char c in token)
            {
                if (!_lookup.TryGetValue(new ReadOnlySpan<char>(in c), out int b)) { keys.RemoveRange(start, keys.Count - start); break; }
                keys.Add(b);
            }
            if (keys.Count - start == token.Length) return;
        }
        keys.Add(GetKey(token));
    }

    /// <summary>Encodes tokens to keys.</summary>
    public long[] Encode(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return tokens.Select(t => GetKey(t)).ToArray();
    }

    /// <summary>
    /// Decodes keys to text: characters are concatenated, words joined with single spaces, byte-level subwords
    /// joined byte by byte and read as UTF-8 (exactly the text they were made from).
    /// </summary>
    /// <param name="keys">The keys.</param>
    /// <param name="skipSpecialTokens">Leave out <c>&lt;pad&gt;</c>, <c>&lt;bos&gt;</c> and <c>&lt;eos&gt;</c> (<c>&lt;unk&gt;</c> is kept).</param>
    public string Decode(ReadOnlySpan<long> keys, bool skipSpecialTokens = false)
    {
        if (IsByteLevel)
        {
            var bytes = new List<byte>(keys.Length * 4);
            foreach (long key in keys)
                if (!(skipSpecialTokens && (key == PaddingKey || key == BeginKey || key == EndKey))) ByteLevelAlphabet.AppendBytes(GetToken(key), bytes);
            return Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes));
        }
        var sb = new StringBuilder(keys.Length * (IsCharacterLevel ? 1 : 6));
        bool first = true;
        foreach (long key in keys)
        {
            if (skipSpecialTokens && (key == PaddingKey || key == BeginKey || key == EndKey)) continue;
            if (!IsCharacterLevel && !first) sb.Append(' ');
            sb.Append(GetToken(key));
            first = false;
        }
        return sb.ToString();
    }

    /// <summary>
    /// The number of characters (Unicode scalar values) <paramref name="key"/> stands for in the text, the unit of
    /// bits per character: a character token is one; a word is its characters plus one separator; a byte-level
    /// subword counts the characters that start in its bytes; &lt;eos&gt; is one (a line end); &lt;pad&gt; and &lt;bos&gt; none.
    /// </summary>
    public int CharacterCount(long key)
    {
        GetToken(key);
        return (_characterCounts ??= Enumerable.Range(0, Count).Select(k => CountCharacters(k)).ToArray())[key];
    }

    private int[]? _characterCounts;

    private int CountCharacters(int key)
    {
        if (key == PaddingKey || key == BeginKey) return 0;
        if (key == EndKey || key == UnknownKey && !IsWord()) return 1;
        var token = _tokens[key];
        if (IsByteLevel) return ByteLevelAlphabet.CharacterStarts(token);
        int runes = token.EnumerateRunes().Count();
        return IsCharacterLevel ? runes : runes + 1;
        bool IsWord() => !IsCharacterLevel && !IsByteLevel;
    }

    /// <summary>Decodes keys to their tokens.</summary>
    public string[] DecodeTokens(ReadOnlySpan<long> keys)
    {
        var result = new string[keys.Length];
        for (int i = 0; i < keys.Length; i++) result[i] = GetToken(keys[i]);
        return result;
    }

    /// <summary>True for the text of a reserved token.</summary>
    internal static bool IsReservedToken(string token) => token is UnknownToken or PaddingToken or BeginToken or EndToken;

    private long? KeyOrNull(string token) => _keys.TryGetValue(token, out int k) ? k : null;

    /// <inheritdoc />
    public override string ToString() => $"Vocabulary({Count} {TokenKind})";
}
