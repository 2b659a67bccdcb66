using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Byte-level BPE learned from text: its merges, and <c>Microsoft.ML.Tokenizers</c>' <see cref="BpeTokenizer"/>
/// built from them, which splits text with GPT-2's pre-tokenizer pattern and applies the merges in learning order.
/// </summary>
internal sealed class LearnedBpe
{
    // GPT-2's split: contractions, letters, digits and other symbols each with an optional leading space, white space.
    private static readonly Regex PreTokenPattern = new(@"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private readonly BpeTokenizer _tokenizer;

    public LearnedBpe(IReadOnlyList<(string Left, string Right)> merges)
    {
        Merges = merges;
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var symbol in ByteLevelAlphabet.Symbols) vocabulary[symbol] = vocabulary.Count;
        foreach (var (left, right) in merges)
        {
            if (!vocabulary.ContainsKey(left) || !vocabulary.ContainsKey(right))
                throw new ArgumentException($"Merge '{left} {right}' uses a token no earlier merge made.", nameof(merges));
            vocabulary.TryAdd(left + right, vocabulary.Count);
        }
        _tokenizer = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges.Select(m => m.Left + " " + m.Right),
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(PreTokenPattern, null),
        });
    }

    /// <summary>The merges in the order they were learned (and are applied).</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>The byte-symbol tokens of <paramref name="text"/>.</summary>
    public ReadOnlyMemory<char>[] Tokenize(string text)
    {
        var tokens = _tokenizer.EncodeToTokens(text, out _);
        var result = new ReadOnlyMemory<char>[tokens.Count];
        for (int i = 0; i < tokens.Count; i++) result[i] = tokens[i].Value.AsMemory();
        return result;
    }

    /// <summary>
    /// Learns merges from <paramref name="texts"/> until <see cref="SubwordTokenizerOptions.VocabularySize"/> tokens.
    /// </summary>
    /// <exception cref="InvalidCorpusException">The text has too few repeated pairs for the asked vocabulary.</exception>
    public static LearnedBpe Learn(IEnumerable<ReadOnlyMemory<char>> texts, SubwordTokenizerOptions options, CancellationToken cancel = default)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        long characters = 0;
        foreach (var text in texts)
        {
            characters += text.Length;
            foreach (var match in PreTokenPattern.EnumerateMatches(text.Span))
                CollectionsMarshal.GetValueRefOrAddDefault(lookup, text.Span.Slice(match.Index, match.Length), out _)++;
        }
        var trainer = new BpeTrainer();
        foreach (var (word, count) in counts) trainer.AddWord(ByteLevelAlphabet.FromText(word), count);
        var merges = trainer.Train(options.VocabularySize, options.MinimumPairCount, cancel);
        if (trainer.Tokens.Count < options.VocabularySize)
            throw new InvalidCorpusException(
                $"The training text ({characters:N0} characters) has too few pairs occurring {options.MinimumPairCount}+ times to learn {options.VocabularySize:N0} subword tokens: " +
                $"it stops at {trainer.Tokens.Count:N0}. Lower {nameof(SubwordTokenizerOptions)}.{nameof(SubwordTokenizerOptions.VocabularySize)} to {trainer.Tokens.Count:N0} or less, " +
                $"lower {nameof(SubwordTokenizerOptions.MinimumPairCount)}, or train on more text.", characters);
        return new LearnedBpe(merges);
    }
}
