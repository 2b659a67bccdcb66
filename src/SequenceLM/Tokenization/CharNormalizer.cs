using System.Text;

namespace Microsoft.ML.SequenceLM;

/// <summary>Applies <see cref="CharTokenizerOptions"/> to a text and splits it into one token per character (surrogate pairs stay together).</summary>
internal static class CharNormalizer
{
    /// <summary>Tokenizes <paramref name="text"/>; tokens are slices of the original or of one normalised copy.</summary>
    public static ReadOnlyMemory<char>[] Tokenize(ReadOnlyMemory<char> text, CharTokenizerOptions options)
    {
        var source = NeedsNormalization(text.Span, options) ? Normalize(text.Span, options) : text;
        var span = source.Span;
        int count = 0;
        for (int i = 0; i < span.Length; i++, count++)
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1])) i++;
        var tokens = new ReadOnlyMemory<char>[count];
        for (int i = 0, k = 0; i < span.Length; i++, k++)
        {
            int len = char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]) ? 2 : 1;
            tokens[k] = source.Slice(i, len);
            i += len - 1;
        }
        return tokens;
    }

    private static bool NeedsNormalization(ReadOnlySpan<char> text, CharTokenizerOptions o) =>
        o.LowerCase || o.CharacterClass != CharacterClass.All || text.IndexOfAny('\r', '\n') >= 0 && (o.Newlines != NewlineHandling.Keep || text.Contains('\r'));

    internal static ReadOnlyMemory<char> Normalize(ReadOnlySpan<char> text, CharTokenizerOptions o)
    {
        var sb = new CharBuffer(text.Length);
        bool filtered = o.CharacterClass != CharacterClass.All;
        bool pendingSpace = false;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c is '\r' or '\n')
            {
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                switch (o.Newlines)
                {
                    case NewlineHandling.Remove: continue;
                    case NewlineHandling.Keep:
                        pendingSpace = false; // no space next to a kept newline
                        if (filtered && sb.Length > 0 && sb[^1] == ' ') sb.Length--;
                        sb.Append('\n');
                        continue;
                    default: // ToSpace
                        if (filtered) pendingSpace = true; else sb.Append(' ');
                        continue;
                }
            }
            var status = Rune.DecodeFromUtf16(text[i..], out Rune rune, out int consumed);
            if (status != System.Buffers.OperationStatus.Done) { rune = Rune.ReplacementChar; consumed = 1; }
            i += consumed;
            if (filtered && !Keeps(o.CharacterClass, rune))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && sb.Length > 0 && sb[^1] != '\n') sb.Append(' ');
            pendingSpace = false;
            if (o.LowerCase) rune = Rune.ToLowerInvariant(rune);
            if (rune.IsBmp) sb.Append((char)rune.Value);
            else { var pair = rune.ToString(); sb.Append(pair[0]); sb.Append(pair[1]); }
        }
        return sb.ToMemory();
    }

    private static bool Keeps(CharacterClass cls, Rune r) => cls switch
    {
        CharacterClass.LettersOnly => r.IsAscii && char.IsAsciiLetter((char)r.Value),
        CharacterClass.LettersDigitsPunctuation => Rune.IsLetter(r) || Rune.IsDigit(r) || Rune.IsPunctuation(r),
        _ => true,
    };
}

/// <summary>A growable char buffer (one allocation for normal text, no final string copy).</summary>
internal sealed class CharBuffer(int capacity)
{
    private char[] _chars = new char[Math.Max(16, capacity)];

    public int Length { get => _length; set => _length = value; }
    private int _length;

    public char this[Index index] => _chars[index.GetOffset(_length)];

    public void Append(char c)
    {
        if (_length == _chars.Length) Array.Resize(ref _chars, _chars.Length * 2);
        _chars[_length++] = c;
    }

    public ReadOnlyMemory<char> ToMemory() => _chars.AsMemory(0, _length);
}
