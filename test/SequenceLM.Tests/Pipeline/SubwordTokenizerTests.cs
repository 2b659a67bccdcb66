using System.Text;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class SubwordTokenizerTests(ITestOutputHelper output) : TestBase(output)
{
    private const string MultiByte = "Ça déjà vu — naïve café, 日本語のテキスト, Ελληνικά, emoji 😀👍🏽 and e\u0301 combining.\r\nTab\there\0nul ";

    private static readonly string[] Corpora = { "anna.txt", "names.txt", "timemachine.txt", "ptb.valid.txt", "ptb.test.txt" };

    private sealed class Doc
    {
        public string Text { get; set; } = "";
    }

    private static IDataView Texts(MLContext ml, params string[] texts) => ml.Data.LoadFromEnumerable(texts.Select(t => new Doc { Text = t }));

    /// <summary>text → tokens → keys (vocabulary learned from <paramref name="train"/>) → text.</summary>
    private static string RoundTrip(MLContext ml, SubwordTokenizerOptions options, string train, string text)
    {
        var model = ml.Transforms.TokenizeSubwords(options: options).Append(ml.Transforms.MapTokensToKeys()).Fit(Texts(ml, train));
        var keys = model.LastTransformer.Vocabulary.Encode(((SubwordTokenizingTransformer)model.First()).Tokenize(text.AsMemory()));
        return model.LastTransformer.Vocabulary.Decode(keys);
    }

    [Fact]
    public void LearnedAndPretrainedRoundTripEveryCorpusByteForByte()
    {
        var ml = new MLContext(1);
        foreach (var corpus in Corpora)
        {
            string slice = ReadDataSlice(corpus, 40_000);
            string train = slice[..20_000], unseen = slice[20_000..] + MultiByte;
            Assert.Equal(unseen, RoundTrip(ml, SubwordTokenizerOptions.Learned(400), train, unseen));
            Assert.Equal(unseen, RoundTrip(ml, SubwordTokenizerOptions.Gpt2(), train, unseen));
            Output.WriteLine($"{corpus}: learned BPE and GPT-2 round-trip {Encoding.UTF8.GetByteCount(unseen):N0} bytes");
        }
        foreach (var encoding in new[] { "cl100k_base", "o200k_base" })
            Assert.Equal(MultiByte, RoundTrip(ml, new SubwordTokenizerOptions { Encoding = encoding }, MultiByte, MultiByte));
    }

    [Fact]
    public void TokensSplittingACharacterStillDecodeExactly()
    {
        var tokens = new SubwordTokenizingTransformer(options: SubwordTokenizerOptions.Gpt2()).Tokenize("😀".AsMemory());
        Assert.True(tokens.Length > 1, "GPT-2 spells this emoji with more than one token");
        var vocabulary = Vocabulary.Build(tokens.Select(t => t.ToString()), new VocabularyOptions { AddUnknownToken = false });
        Assert.Equal("😀", new Vocabulary(vocabulary.Tokens, false, isByteLevel: true).Decode(tokens.Select(t => (long)vocabulary.GetKey(t.Span)).ToArray()));
    }

    [Fact]
    public void UnseenSubwordsFallBackToBytesNotUnknown()
    {
        var ml = new MLContext(1);
        var model = ml.Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Gpt2()).Append(ml.Transforms.MapTokensToKeys()).Fit(Texts(ml, "the cat sat on the mat"));
        var vocabulary = model.LastTransformer.Vocabulary;
        Assert.True(vocabulary.IsByteLevel);
        Assert.Equal(1 + 256 + 6, vocabulary.Count); // <unk>, the bytes, and the six subwords the text uses (" the" twice)
        var keys = model.Transform(Texts(ml, "zebra 😀")).GetColumn<VBuffer<uint>>("Keys").Single().DenseValues().Select(k => (long)k - 1).ToArray();
        Assert.DoesNotContain(vocabulary.UnknownKey!.Value, keys);
        Assert.Equal("zebra 😀", vocabulary.Decode(keys));
    }

    [Fact]
    public void LearnedMergesEqualThoseOfAFullRecountPerMerge()
    {
        string text = ReadDataSlice("timemachine.txt", 30_000);
        var learned = new SubwordTokenizingEstimator(options: SubwordTokenizerOptions.Learned(600)).Fit(Texts(new MLContext(1), text)).Merges;
        Assert.Equal(600 - 256, learned.Count);
        Assert.Equal(ReferenceMerges(text, 600 - 256), learned.Select(m => m.Left + m.Right).ToList());
        var again = new SubwordTokenizingEstimator(options: SubwordTokenizerOptions.Learned(600)).Fit(Texts(new MLContext(7), text)).Merges;
        Assert.Equal(learned, again);
    }

    // The textbook algorithm: count every pair of every word, merge the best (ties: smaller ids), repeat.
    private static List<string> ReferenceMerges(string text, int count)
    {
        var regex = new System.Text.RegularExpressions.Regex(@"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+");
        var words = regex.Matches(text).GroupBy(m => m.Value).Select(g => (Ids: Encoding.UTF8.GetBytes(g.Key).Select(b => (int)b).ToList(), Count: g.Count())).ToList();
        var names = Enumerable.Range(0, 256).Select(b => Encoding.Latin1.GetString(new[] { (byte)b })).ToList();
        var merged = new List<string>();
        var ids = new Dictionary<string, int>();
        for (int m = 0; m < count; m++)
        {
            var counts = new Dictionary<(int, int), long>();
            foreach (var (w, c) in words)
                for (int i = 0; i + 1 < w.Count; i++) counts[(w[i], w[i + 1])] = counts.GetValueOrDefault((w[i], w[i + 1])) + c;
            var best = counts.OrderByDescending(e => e.Value).ThenBy(e => e.Key.Item1).ThenBy(e => e.Key.Item2).First().Key;
            string name = names[best.Item1] + names[best.Item2];
            if (!ids.TryGetValue(name, out int id)) { id = names.Count; names.Add(name); ids[name] = id; }
            merged.Add(name);
            foreach (var (w, _) in words)
                for (int i = 0; i + 1 < w.Count; i++)
                    if (w[i] == best.Item1 && w[i + 1] == best.Item2) { w[i] = id; w.RemoveAt(i + 1); }
        }
        // Byte names above are Latin-1 stand-ins; compare in byte symbols.
        return merged.Select(n => string.Concat(Encoding.Latin1.GetBytes(n).Select(b => ByteLevelAlphabet.Symbol(b)))).ToList();
    }

    [Fact]
    public void LearnedTokenizerSurvivesTheModelZip()
    {
        var ml = new MLContext(1);
        string text = ReadDataSlice("anna.txt", 20_000);
        var data = Texts(ml, text);
        var model = ml.Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Learned(500)).Append(ml.Transforms.MapTokensToKeys()).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _);
        var before = model.Transform(data).GetColumn<VBuffer<uint>>("Keys").Single().DenseValues().ToArray();
        var after = loaded.Transform(data).GetColumn<VBuffer<uint>>("Keys").Single().DenseValues().ToArray();
        Assert.Equal(before, after);
        Assert.True(before.Length < text.Length / 2, $"{before.Length} subwords for {text.Length} characters");
    }

    [Fact]
    public void BadOptionsAndCorporaGiveTypedErrorsNamingTheFix()
    {
        var unknown = Assert.Throws<ArgumentException>(() => new MLContext().Transforms.TokenizeSubwords(options: new SubwordTokenizerOptions { Encoding = "gpt5" }));
        Assert.Contains("gpt2, cl100k_base, o200k_base", unknown.Message);
        var small = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Learned(100)));
        Assert.Contains("at least 256", small.Message);
        var ml = new MLContext(1);
        var tooSmall = Assert.Throws<InvalidCorpusException>(() => ml.Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Learned(2000)).Fit(Texts(ml, "abab abab cdcd")));
        Assert.Contains("Lower SubwordTokenizerOptions.VocabularySize to", tooSmall.Message);
    }
}
