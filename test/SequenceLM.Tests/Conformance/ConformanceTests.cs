using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Conformance;

/// <summary>Every estimator we ship passes <see cref="EstimatorConformance.Check"/>.</summary>
public sealed class ConformanceTests(ITestOutputHelper output) : TestBase(output)
{
    private const string Corpus = "the cat sat on the mat. the dog sat on the log. ";

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class NumberRow
    {
        public float Text { get; set; }
        public float Tokens { get; set; }
        public float Keys { get; set; }
    }

    public sealed class PromptRow
    {
        public string Text { get; set; } = "";
        public int MaxTokens { get; set; } = 12;
        public float Temperature { get; set; } = 1f;
        public int Seed { get; set; } = 3;
    }

    private static IDataView Texts(MLContext ml, params string[] texts) => ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }).ToArray());

    private static IDataView Numbers(MLContext ml) => ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });

    private static IDataView Tokenized(MLContext ml, IDataView text) => ml.Transforms.TokenizeChars().Fit(text).Transform(text);

    private static IDataView Keyed(MLContext ml, IDataView text) =>
        ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys()).Fit(text).Transform(text);

    [Fact]
    public void TokenizeChars()
    {
        var ml = new MLContext(1);
        EstimatorConformance.Check(ml, ml.Transforms.TokenizeChars(), Texts(ml, "ab c", "d"), Numbers(ml), Texts(ml), learnsFromData: false);
    }

    [Fact]
    public void TokenizeSubwordsPretrained()
    {
        var ml = new MLContext(1);
        EstimatorConformance.Check(ml, ml.Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Gpt2()), Texts(ml, "ab c", "d"), Numbers(ml), Texts(ml), learnsFromData: false);
    }

    [Fact]
    public void TokenizeSubwordsLearned()
    {
        var ml = new MLContext(1);
        EstimatorConformance.Check(ml, ml.Transforms.TokenizeSubwords(options: SubwordTokenizerOptions.Learned(270)), Texts(ml, Corpus, Corpus), Numbers(ml), Texts(ml), learnsFromData: true);
    }

    [Fact]
    public void TokenizeWords()
    {
        var ml = new MLContext(1);
        EstimatorConformance.Check(ml, ml.Transforms.TokenizeWords(), Texts(ml, "the cat sat", "on the mat"), Numbers(ml), Texts(ml), learnsFromData: false);
    }

    [Fact]
    public void MapTokensToKeys()
    {
        var ml = new MLContext(1);
        EstimatorConformance.Check(ml, ml.Transforms.MapTokensToKeys(), Tokenized(ml, Texts(ml, "abc", "cab")), Numbers(ml),
            Tokenized(ml, Texts(ml)), learnsFromData: true);
    }

    [Fact]
    public void MapKeysToTokens()
    {
        var ml = new MLContext(1);
        var keyed = Keyed(ml, Texts(ml, "abc", "cab"));
        var emptyKeyed = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys(Vocabulary.Build(new[] { "a" })))
            .Fit(Texts(ml)).Transform(Texts(ml));
        EstimatorConformance.Check(ml, ml.Transforms.MapKeysToTokens("Decoded"), keyed, Numbers(ml), emptyKeyed, learnsFromData: false);
    }

    [Fact]
    public void Window()
    {
        var ml = new MLContext(1);
        var keyed = Keyed(ml, Texts(ml, string.Concat(Enumerable.Repeat(Corpus, 3))));
        var estimator = ml.Transforms.Window(new WindowOptions { BatchSize = 2, SequenceLength = 8, RandomOffset = false });
        var emptyKeyed = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys(Vocabulary.Build(new[] { "a", "b" })))
            .Fit(Texts(ml)).Transform(Texts(ml));
        // Windowing learns nothing, but an empty corpus has no window to give: our typed error when read.
        var fitted = estimator.Fit(emptyKeyed);
        Assert.Throws<InvalidCorpusException>(() => ViewDump.Rows(fitted.Transform(emptyKeyed)));
        EstimatorConformance.Check(ml, estimator, keyed, Numbers(ml), keyed, learnsFromData: false, checkEmpty: false);
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("gru")]
    [InlineData("lstm")]
    [InlineData("transformer")]
    public void Trainers(string family)
    {
        var ml = new MLContext(1);
        var trainers = ml.LanguageModels().Trainers;
        IEstimator<LanguageModelTransformer> trainer = family switch
        {
            "rnn" => trainers.Rnn(new RnnOptions { HiddenSize = 16, EmbeddingSize = 8, BatchSize = 2, SequenceLength = 8, MaximumSteps = 3, ValidationFraction = 0, Device = "cpu" }),
            "gru" => trainers.Gru(new GruOptions { HiddenSize = 16, EmbeddingSize = 8, BatchSize = 2, SequenceLength = 8, MaximumSteps = 3, ValidationFraction = 0, Device = "cpu" }),
            "lstm" => trainers.Lstm(new LstmOptions { HiddenSize = 16, EmbeddingSize = 8, BatchSize = 2, SequenceLength = 8, MaximumSteps = 3, ValidationFraction = 0, Device = "cpu" }),
            _ => trainers.Transformer(new TransformerOptions { Width = 16, NumberOfHeads = 2, NumberOfLayers = 1, BatchSize = 2, SequenceLength = 8, MaximumSteps = 3, ValidationFraction = 0, Device = "cpu" }),
        };
        var prompts = ml.Data.LoadFromEnumerable(new[] { new PromptRow { Text = string.Concat(Enumerable.Repeat(Corpus, 3)) }, new PromptRow { Text = "the d" } });
        var tokenized = Tokenized(ml, prompts);
        EstimatorConformance.Check(ml, trainer, tokenized, Numbers(ml), Tokenized(ml, ml.Data.LoadFromEnumerable(Array.Empty<PromptRow>())), learnsFromData: true);
    }
}
