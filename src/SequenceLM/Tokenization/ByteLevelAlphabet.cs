using System.Text;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// GPT-2's byte-level alphabet, the one <c>Microsoft.ML.Tokenizers</c> uses with <c>ByteLevel = true</c>: every byte
/// is one printable character (printable Latin-1 bytes stand for themselves, the others for U+0100 upwards, so a
/// space is <c>'Ġ'</c>). A subword token is the string of its bytes' characters, so tokens of any bytes, even a
/// part of a multi-byte character, are ordinary text in a token column and a vocabulary.
/// </summary>
internal static class ByteLevelAlphabet
{
    public const int Size = 256;

    private static readonly char[] ByteToChar = BuildTable();
    private static readonly Dictionary<char, byte> CharToByte = Enumerable.Range(0, Size).ToDictionary(b => ByteToChar[b], b => (byte)b);

    private static char[] BuildTable()
    {
        var table = new char[Size];
        int next = 0;
        for (int b = 0; b < Size; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)(Size + next++);
        }
        return table;
    }

    /// <summary>The one-character symbol of each byte value, in byte order.</summary>
    public static IEnumerable<string> Symbols => ByteToChar.Select(c => c.ToString());

    public static char Symbol(byte b) => ByteToChar[b];

    /// <summary>The symbols of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string FromText(ReadOnlySpan<char> text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToArray());
        return FromBytes(bytes);
    }

    public static string FromBytes(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>True when every character of <paramref name="symbols"/> is a byte symbol.</summary>
    public static bool IsSymbols(ReadOnlySpan<char> symbols)
    {
        foreach (char c in symbols) if (!CharToByte.ContainsKey(c)) return false;
        return true;
    }

    /// <summary>Appends the bytes <paramref name="symbols"/> stands for; characters outside the alphabet (reserved tokens such as <c>&lt;unk&gt;</c>) as their UTF-8.</summary>
    public static void AppendBytes(ReadOnlySpan<char> symbols, List<byte> destination)
    {
        if (!IsSymbols(symbols))
        {
            destination.AddRange(Encoding.UTF8.GetBytes(symbols.ToArray()));
            return;
        }
        foreach (char c in symbols) destination.Add(CharToByte[c]);
    }

    /// <summary>The number of characters (Unicode scalar values) that start inside the bytes of <paramref name="symbols"/>.</summary>
    public static int CharacterStarts(ReadOnlySpan<char> symbols)
    {
        var bytes = new List<byte>(symbols.Length);
        AppendBytes(symbols, bytes);
        int count = 0;
        foreach (byte b in bytes) if ((b & 0xC0) != 0x80) count++;
        return count;
    }
}
