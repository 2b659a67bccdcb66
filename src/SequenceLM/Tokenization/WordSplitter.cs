using System.Text.RegularExpressions;

namespace Microsoft.ML.SequenceLM;

/// <summary>Splits text into word tokens per <see cref="WordTokenizerOptions"/>; tokens are slices (no string per token).</summary>
internal sealed class WordSplitter
{
    private readonly WordTokenizerOptions _options;
    private readonly Regex? _regex;
    private readonly ReadOnlyMemory<char> _eol;

    public WordSplitter(WordTokenizerOptions options)
    {
        _options = options;
        _regex = options.Validate();
        _eol = options.EndOfLineToken.AsMemory();
    }

    public ReadOnlyMemory<char>[] Tokenize(ReadOnlyMemory<char> text)
    {
        ReadOnlyMemory<char> lowered = text;
        if (_options.LowerCase)
        {
            var buffer = new char[text.Length];
            text.Span.ToLowerInvariant(buffer);
            lowered = buffer;
        }
        var tokens = new List<ReadOnlyMemory<char>>();
        if (_options.EndOfLineToken == null)
        {
            SplitPiece(text, lowered, 0, text.Length, tokens);
            return tokens.ToArray();
        }
        var span = text.Span;
        int start = 0;
        while (start < span.Length)
        {
            int nl = span[start..].IndexOf('\n');
            int end = nl < 0 ? span.Length : start + nl;
            int lineEnd = end > start && span[end - 1] == '\r' ? end - 1 : end;
            SplitPiece(text, lowered, start, lineEnd, tokens);
            tokens.Add(_eol);
            start = end + 1;
        }
        return tokens.ToArray();
    }

    private void SplitPiece(ReadOnlyMemory<char> original, ReadOnlyMemory<char> lowered, int start, int end, List<ReadOnlyMemory<char>> tokens)
    {
        if (_regex != null)
        {
            foreach (var range in _regex.EnumerateSplits(original.Span[start..end]))
            {
                var (off, len) = range.GetOffsetAndLength(end - start);
                if (len > 0) AddChunk(original, lowered, start + off, start + off + len, tokens);
            }
            return;
        }
        var span = original.Span;
        int i = start;
        while (i < end)
        {
            while (i < end && char.IsWhiteSpace(span[i])) i++;
            int s = i;
            while (i < end && !char.IsWhiteSpace(span[i])) i++;
            if (i > s) AddChunk(original, lowered, s, i, tokens);
        }
    }

    private void AddChunk(ReadOnlyMemory<char> original, ReadOnlyMemory<char> lowered, int start, int end, List<ReadOnlyMemory<char>> tokens)
    {
        var chunk = original.Span[start..end];
        if (IsAngleToken(chunk)) { tokens.Add(original[start..end]); return; }
        if (_options.Punctuation == PunctuationHandling.Keep) { tokens.Add(lowered[start..end]); return; }
        bool keepPunct = _options.Punctuation == PunctuationHandling.Split;
        int wordStart = -1;
        for (int i = start; i < end; i++)
        {
            char c = original.Span[i];
            bool punct = (char.IsPunctuation(c) || char.IsSymbol(c)) && !IsInnerJoiner(original.Span, i, start, end);
            if (!punct)
            {
                if (wordStart < 0) wordStart = i;
                continue;
            }
            if (wordStart >= 0) { tokens.Add(lowered[wordStart..i]); wordStart = -1; }
            if (keepPunct) tokens.Add(lowered.Slice(i, 1));
        }
        if (wordStart >= 0) tokens.Add(lowered[wordStart..end]);
    }

    private static bool IsInnerJoiner(ReadOnlySpan<char> s, int i, int start, int end) =>
        s[i] is '\'' or '’' or '-' && i > start && i + 1 < end && char.IsLetterOrDigit(s[i - 1]) && char.IsLetterOrDigit(s[i + 1]);

    internal static bool IsAngleToken(ReadOnlySpan<char> chunk)
    {
        if (chunk.Length < 3 || chunk[0] != '<' || chunk[^1] != '>') return false;
        foreach (char c in chunk[1..^1]) if (c is '<' or '>' || char.IsWhiteSpace(c)) return false;
        return true;
    }
}
