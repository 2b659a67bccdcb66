using Microsoft.ML.Transforms.Text;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class TextOnlyPrompt
{
    public string Text { get; set; } = "";
}

public sealed class KeyedPrompt
{
    [KeyType(6)] public uint[] Keys { get; set; } = Array.Empty<uint>();
    public string[] Tokens { get; set; } = Array.Empty<string>();
}

/// <summary>Our estimators inside ML.NET's own pipelines, chains and prediction engine.</summary>
public sealed class PipelineTests(ITestOutputHelper output) : TestBase(output)
{
    [Fact]
    public void AppendBuildsAnMLNetChainWhoseFitReturnsATransformerChain()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "abc" } });
        EstimatorChain<TokensToKeysTransformer> pipeline = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys());
        var longer = pipeline.Append(ml.Transforms.Conversion.MapKeyToValue("Decoded", "Keys"));

        var model = longer.Fit(data);
        Assert.Equal(3, model.Count());
        Assert.IsType<CharTokenizingTransformer>(model.First());
        Assert.IsType<TokensToKeysTransformer>(model.ElementAt(1));
        Assert.Equal(new[] { "a", "b", "c" }, ViewReader.Tokens(model.Transform(data), "Decoded").Single());
    }

    [Fact]
    public void ChainFitFailsEarlyNamingTheMissingColumn()
    {
        var ml = new MLContext(1);
        var source = new CountingEnumerable<TextRow>(new[] { new TextRow { Text = "abc" } });
        var data = ml.Data.LoadFromEnumerable(source);
        var pipeline = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys(inputColumnName: "Words"));
        var ex = Assert.Throws<SchemaMismatchException>(() => pipeline.Fit(data));
        Assert.Equal("Words", ex.ColumnName);
        Assert.Contains("Vector<Text>", ex.Message);
        Assert.Contains("Text: String", ex.Message);
        Assert.Contains("Tokens: VarVector<String>", ex.Message);
        Assert.Equal(0, source.Enumerations); // no data was read before failing
    }

    [Fact]
    public void TransformerGetOutputSchemaFailsEarly()
    {
        var ml = new MLContext(1);
        var model = ml.Transforms.TokenizeChars().Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow() }));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Body", TextDataViewType.Instance);
        var ex = Assert.Throws<SchemaMismatchException>(() => model.GetOutputSchema(builder.ToSchema()));
        Assert.Contains("'Text'", ex.Message);
        Assert.Contains("Body: String", ex.Message);
    }

    [Fact]
    public void MLNetTransformsComposeWithOursBothWays()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "The Cat SAT" } });
        // ML.NET's NormalizeText before our tokenizer; ML.NET's MapKeyToValue after our keys.
        var model = ml.Transforms.Text.NormalizeText("Text", caseMode: TextNormalizingEstimator.CaseMode.Lower)
            .Append(ml.Transforms.TokenizeWords())
            .Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.Conversion.MapKeyToValue("Decoded", "Keys"))
            .Fit(data);
        var view = model.Transform(data);
        Assert.Equal(new[] { "the", "cat", "sat" }, ViewReader.Tokens(view, "Decoded").Single());
        Assert.True(view.Schema["Keys"].HasKeyValues());

        // ML.NET's tokenizer and key mapping feed our key-to-token mapping (ML.NET keys, ML.NET KeyValues).
        var theirs = ml.Transforms.Text.TokenizeIntoWords("Words", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Ids", "Words"))
            .Append(ml.Transforms.MapKeysToTokens("Back", "Ids"))
            .Fit(data);
        Assert.Equal(new[] { "The", "Cat", "SAT" }, ViewReader.Tokens(theirs.Transform(data), "Back").Single());
    }

    [Fact]
    public void TransformIsLazyAndComputesOncePerRow()
    {
        var ml = new MLContext(1);
        var source = new CountingEnumerable<TextRow>(new[] { new TextRow { Text = "ab" }, new TextRow { Text = "cd" } });
        var data = ml.Data.LoadFromEnumerable(source);
        var view = ml.Transforms.TokenizeChars().Fit(data).Transform(data);
        Assert.Equal(0, source.Enumerations);
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(view.Schema["Tokens"]);
        VBuffer<ReadOnlyMemory<char>> first = default, second = default;
        Assert.True(cursor.MoveNext());
        getter(ref first);
        getter(ref second);
        Assert.Equal("a", first.GetValues()[0].ToString());
        Assert.True(first.GetValues()[0].Equals(second.GetValues()[0])); // the same slice: computed once for the row
    }

    [Fact]
    public void MLNetPredictionEngineRunsOurTransforms()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "the cat sat on mat" } });
        var model = ml.Transforms.TokenizeWords()
            .Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.Window(new WindowOptions { BatchSize = 1, SequenceLength = 2 })) // training-only: passes rows through
            .Fit(data);
        var engine = ml.Model.CreatePredictionEngine<TextOnlyPrompt, KeyedPrompt>(model);
        var p = engine.Predict(new TextOnlyPrompt { Text = "cat sat dog" });
        Assert.Equal(new uint[] { 3, 4, 1 }, p.Keys); // 1-based keys; "dog" is <unk> (key 1)
        Assert.Equal(new[] { "cat", "sat", "dog" }, p.Tokens);
        var q = engine.Predict(new TextOnlyPrompt { Text = "the" });
        Assert.Equal(new uint[] { 2 }, q.Keys); // values refresh per prediction
    }

    public sealed class Unrelated
    {
        public int Number { get; set; }
    }

    [Fact]
    public void PredictionEngineReportsAMissingInputColumnAtCreation()
    {
        var ml = new MLContext(1);
        var model = ml.Transforms.TokenizeChars().Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow() }));
        var ex = Assert.Throws<SchemaMismatchException>(() => ml.Model.CreatePredictionEngine<Unrelated, KeyedPrompt>(model));
        Assert.Contains("'Text'", ex.Message);
        Assert.Contains("Number: Int32", ex.Message);
    }
}

/// <summary>Our trainer on keys made entirely by ML.NET's own transforms.</summary>
public sealed class MLNetKeysTrainingTests(ITestOutputHelper output) : TestBase(output)
{
    private const string Corpus = "the cat sat on the mat . the dog sat on the log . ";

    [Fact]
    public void TrainerLearnsFromMLNetTokenizeIntoWordsAndMapValueToKey()
    {
        var ml = new MLContext(seed: 1);
        var text = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = string.Concat(Enumerable.Repeat(Corpus, 40)) } });
        var pipeline = ml.Transforms.Text.TokenizeIntoWords("Words", "Text")
            .Append(ml.Transforms.Conversion.MapValueToKey("Keys", "Words"))
            .Append(ml.LanguageModels().Trainers.Lstm(new LstmOptions
            {
                InputColumnName = "Keys", EmbeddingSize = 16, HiddenSize = 32, NumberOfLayers = 1, BatchSize = 4, SequenceLength = 12,
                Epochs = 40, LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0f, Device = "cpu",
            }));
        using var model = pipeline.Fit(text);
        var lm = model.LastTransformer;
        Assert.False(lm.Vocabulary.IsCharacterLevel);                        // inferred from ML.NET's KeyValues
        Assert.Equal(new[] { "the", "cat", "sat", "on", "mat", "." }, lm.Vocabulary.Tokens.Take(6)); // ML.NET's order of first occurrence
        Output.WriteLine($"loss {lm.History.Records[0].TrainLoss:F3} -> {lm.History.Records[^1].TrainLoss:F3}");
        Assert.True(lm.History.Records[^1].TrainLoss < 0.5 * lm.History.Records[0].TrainLoss);

        // Prediction runs ML.NET's transforms then ours; a word ML.NET's mapping does not know is dropped (no <unk> here).
        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        var completion = engine.Predict(new Prompt { Text = "the dog sat on the", MaxTokens = 3, Temperature = 0 });
        Assert.Equal(" log . the", completion.Text); // word level: the continuation starts with the separator
        Assert.Equal(completion.Text, engine.Predict(new Prompt { Text = "the dog sat zebra on the", MaxTokens = 3, Temperature = 0 }).Text);

        var metrics = ml.LanguageModels().Evaluate(model, text);
        Assert.True(metrics.Perplexity < 3, $"perplexity {metrics.Perplexity}");
    }
}
