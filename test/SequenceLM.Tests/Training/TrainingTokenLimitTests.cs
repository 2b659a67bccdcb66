using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Training;

/// <summary>MaximumTrainingTokens (d2l's max_tokens): training on the first N tokens is training on a text cut there.</summary>
public sealed class TrainingTokenLimitTests(ITestOutputHelper output) : TestBase(output)
{
    [Fact]
    public void TheFirstTokensAreTrainedOnAsIfTheTextEndedThere()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        string text = new(Enumerable.Range(0, 3000).Select(_ => "abcdefgh \n"[random.Next(10)]).ToArray());
        // One vocabulary (built on the whole text) for both, so that keys mean the same characters.
        var keys = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys())
            .Fit(ml.Data.LoadFromEnumerable(new[] { new Document { Text = text } }));
        var whole = keys.Transform(ml.Data.LoadFromEnumerable(new[] { new Document { Text = text } }));
        var cut = keys.Transform(ml.Data.LoadFromEnumerable(new[] { new Document { Text = text[..1000] } }));
        (long Steps, float[] Weights, double? Validation) Train(IDataView data, long limit)
        {
            var options = new RnnOptions
            {
                EmbeddingSize = 0, HiddenSize = 16, NumberOfLayers = 1, BatchSize = 4, SequenceLength = 10, Epochs = 2, Dropout = 0,
                Device = "cpu", Seed = 5, Optimizer = OptimizerKind.Sgd, LearningRate = 0.5f, GradientClipNorm = 1, MaximumTrainingTokens = limit,
                InputColumnName = "Keys",
            };
            using var lm = ml.LanguageModels().Trainers.Rnn(options).Fit(data);
            return (lm.History.TotalSteps, lm.GetWeights().SelectMany(w => w.Data).ToArray(), lm.History.BestValidationLoss);
        }
        var limited = Train(whole, limit: 1000);
        var reference = Train(cut, limit: 0);
        var full = Train(whole, limit: 0);
        Output.WriteLine($"steps: limited {limited.Steps}, cut text {reference.Steps}, whole text {full.Steps}");
        Assert.Equal(reference.Steps, limited.Steps);
        Assert.Equal(reference.Validation, limited.Validation);  // the validation split is taken from the kept tokens
        Assert.Equal(reference.Weights, limited.Weights);
        Assert.True(full.Steps > 2 * limited.Steps);
    }

    [Fact]
    public void ANegativeLimitIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new GruOptions { MaximumTrainingTokens = -1 }.Validate());
        Assert.Equal(nameof(LanguageModelTrainerOptions.MaximumTrainingTokens), e.ParamName);
    }

    private sealed class Document
    {
        public string Text { get; set; } = "";
    }
}
