using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.EndToEnd;

/// <summary>The one-line pipeline a user writes: text → TokenizeChars → trainer → PredictionEngine, then save and load.</summary>
public sealed class CharLevelPipelineTests(ITestOutputHelper output) : TestBase(output)
{
    private const string Corpus = "the cat sat on the mat. the dog sat on the log. ";

    private static GruOptions SmallGru() => new()
    {
        EmbeddingSize = 16,
        HiddenSize = 48,
        NumberOfLayers = 1,
        BatchSize = 4,
        SequenceLength = 16,
        Epochs = 30,
        LearningRate = 0.01f,
        Dropout = 0f,
        ValidationFraction = 0f,
        Device = "cpu",
    };

    [Fact]
    public void ShortFormTrainsGeneratesSavesAndLoads()
    {
        var ml = new MLContext(seed: 1);
        var text = ml.Data.LoadTextDocument(WriteTempFile(string.Concat(Enumerable.Repeat(Corpus, 20))));
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(SmallGru())).Fit(text);

        var lm = model.LastTransformer;
        var records = lm.History.Records;
        Output.WriteLine($"loss {records[0].TrainLoss:F3} -> {records[^1].TrainLoss:F3} in {lm.History.TotalSteps} steps");
        Assert.True(records[^1].TrainLoss < 0.5 * records[0].TrainLoss, "training loss should at least halve");

        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        // After "the d" the corpus always goes on with "og sat on the ": greedy decoding must reproduce it.
        var greedy = engine.Predict(new Prompt { Text = "the d", MaxTokens = 14, Temperature = 0 });
        Output.WriteLine($"greedy: '{greedy.Text}'");
        Assert.Equal("og sat on the ", greedy.Text);
        Assert.Equal(14, greedy.TokenCount);

        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        ml.Model.Save(model, text.Schema, path);
        using var loaded = (IDisposable)ml.Model.Load(path, out _);
        var loadedEngine = ml.Model.CreatePredictionEngine<Prompt, Completion>((ITransformer)loaded);
        var sample = new Prompt { Text = "the ", MaxTokens = 40, Temperature = 1f, Seed = 7 };
        Assert.Equal(engine.Predict(sample).Text, loadedEngine.Predict(sample).Text);

        // Bit-identical logits on CPU, and the same vocabulary, configuration and history.
        var loadedLm = (LanguageModelTransformer)((TransformerChain<ITransformer>)loaded).LastTransformer;
        var keys = lm.Vocabulary.Encode("the cat sat on the mat".Select(c => c.ToString()));
        Assert.Equal(lm.ComputeLogits(keys, 1, keys.Length), loadedLm.ComputeLogits(keys, 1, keys.Length));
        Assert.Equal(lm.Vocabulary.Tokens, loadedLm.Vocabulary.Tokens);
        Assert.Equal(lm.Config, loadedLm.Config);
        Assert.Equal(lm.History.Records, loadedLm.History.Records);
    }
}
