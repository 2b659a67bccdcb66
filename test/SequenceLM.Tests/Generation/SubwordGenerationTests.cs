using System.Text;
using Microsoft.ML.SequenceLM.Generation;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Generation;

public sealed class SubwordGenerationTests(ITestOutputHelper output) : TestBase(output)
{
    private const string Corpus = "Καλημέρα κόσμε! 日本語のテキスト。 Ça déjà vu 😀👍🏽 — naïve café. ";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void PiecesHoldBackACharacterUntilItsLastByteAndDropBytesThatFormNone()
    {
        var vocabulary = new Vocabulary(new[] { Vocabulary.UnknownToken }.Concat(ByteLevelAlphabet.Symbols), isCharacterLevel: false, isByteLevel: true);
        var codec = new TokenCodec(vocabulary, perRow: false, sampleUnknown: false);
        string[] Pieces(params byte[] bytes)
        {
            var utf8 = TokenCodec.CreateUtf8Decoder();
            return bytes.Select((b, i) => codec.Piece(vocabulary.GetKey(ByteLevelAlphabet.Symbol(b).ToString()), i == 0, utf8)).ToArray();
        }
        Assert.Equal(new[] { "a", "", "", "", "😀", "", "é" }, Pieces(Encoding.UTF8.GetBytes("a😀é")));
        // Sampled bytes that form no character are dropped: a continuation byte alone, a lead byte before a letter.
        Assert.Equal(new[] { "", "b", "", "c" }, Pieces(0x80, (byte)'b', 0xE6, (byte)'c'));
    }

    [Fact]
    public void StreamingASubwordModelEmitsWholeCharactersAndScoresBitsPerCharacter()
    {
        var ml = new MLContext(seed: 3);
        var text = ml.Data.LoadFromEnumerable(new[] { new TrainedModels.Doc { Text = string.Concat(Enumerable.Repeat(Corpus, 40)) } });
        using var model = ml.Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Learned(300)).Append(ml.LanguageModels().Trainers.Gru(new GruOptions
        {
            EmbeddingSize = 16, HiddenSize = 48, NumberOfLayers = 1, BatchSize = 4, SequenceLength = 16, Epochs = 8,
            LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0f, Device = "cpu",
        })).Fit(text);
        Assert.True(model.LastTransformer.Vocabulary.IsByteLevel);

        var engine = ml.LanguageModels().CreateGenerator(model);
        var options = new GenerationOptions { MaxTokens = 120, Temperature = 1f, Seed = 5 };
        var pieces = engine.Stream("Καλη", options).ToList();
        foreach (var piece in pieces) StrictUtf8.GetByteCount(piece); // throws on a lone surrogate: a character cut in two
        string streamed = string.Concat(pieces);
        Output.WriteLine(streamed);
        Assert.Equal(engine.Generate("Καλη", options), streamed);
        Assert.Contains(streamed, c => c > 0x7F);
        Assert.DoesNotContain('\uFFFD', streamed);

        var metrics = ml.LanguageModels().Evaluate(model, text);
        Output.WriteLine(metrics.ToString());
        Assert.True(metrics.CharacterCount > metrics.TokenCount, "a learned subword stands for more than one character on average");
        Assert.InRange(metrics.BitsPerCharacter, 0, metrics.BitsPerToken);
    }

    [Fact]
    public void CharacterCountsOfEveryTokenizationAddUpToTheText()
    {
        const string line = "Ça déjà vu 😀 naïve café";
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TrainedModels.Doc { Text = line } });
        int runes = line.EnumerateRunes().Count();
        foreach (var tokenizer in new IEstimator<ITransformer>[]
                 {
                     ml.Transforms.TokenizeChars(), ml.Transforms.TokenizeWords(),
                     ml.Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Gpt2()), ml.Transforms.TokenizeSubwords(options: new SubwordTokenizerOptions { VocabularySize = 260, MinimumPairCount = 1 }),
                 })
        {
            var model = tokenizer.Append(ml.Transforms.MapTokensToKeys()).Fit(data);
            var vocabulary = ((TokensToKeysTransformer)model.LastTransformer).Vocabulary;
            var keys = model.Transform(data).GetColumn<VBuffer<uint>>("Keys").Single().DenseValues().Select(k => (long)k - 1);
            int words = line.Split(' ').Length;
            // Words count one separator each (the spaces between them, and the end of the line).
            Assert.Equal(vocabulary.IsCharacterLevel || vocabulary.IsByteLevel ? runes : runes + 1, keys.Sum(k => vocabulary.CharacterCount(k)));
            Output.WriteLine($"{vocabulary}: {keys.Count()} tokens for {runes} characters ({words} words)");
        }
    }
}
