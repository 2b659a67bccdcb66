using Microsoft.ML.SequenceLM.Tests.Generation;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Evaluation;

public sealed class EvaluationTests(TrainedModels models, ITestOutputHelper output) : TestBase(output), IClassFixture<TrainedModels>
{
    private static string RandomText(int symbols, int length, int seed)
    {
        var random = new Random(seed);
        return new string(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(symbols))).ToArray());
    }

    [Fact]
    public void UniformRandomStreamGivesPerplexityNearTheAlphabetSize()
    {
        // The best possible model of i.i.d. uniform symbols is uniform: cross-entropy ln(V), perplexity V.
        const int v = 8;
        var ml = new MLContext(seed: 5);
        var train = ml.Data.LoadFromEnumerable(new[] { new TrainedModels.Doc { Text = RandomText(v, 20_000, 1) } });
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(new GruOptions
        {
            EmbeddingSize = 8, HiddenSize = 16, NumberOfLayers = 1, BatchSize = 16, SequenceLength = 32, Epochs = 3,
            LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0f, Device = "cpu",
        })).Fit(train);
        var test = ml.Data.LoadFromEnumerable(new[] { new TrainedModels.Doc { Text = RandomText(v, 10_000, 2) } });
        var metrics = ml.LanguageModels().Evaluate(model, test);
        Output.WriteLine(metrics.ToString());
        Assert.InRange(metrics.Perplexity, v * 0.97, v * 1.06);
        Assert.Equal(Math.Log(metrics.Perplexity) / Math.Log(2), metrics.BitsPerToken, 6);
        Assert.Equal(10_000 - 1, metrics.TokenCount); // every character but the first is scored
    }

    [Fact]
    public void LearnedCorpusScoresFarBelowUniformAndUnrelatedTextScoresWorse()
    {
        var ml = models.Ml;
        var seen = ml.LanguageModels().Evaluate(models.Stream, models.Text);
        var unrelated = ml.LanguageModels().Evaluate(models.Stream,
            ml.Data.LoadFromEnumerable(new[] { new TrainedModels.Doc { Text = "zebras quickly jumped over fences while humming. " } }),
            new EvaluationOptions { BatchSize = 1 });
        Output.WriteLine($"seen: {seen}\nunrelated: {unrelated}");
        Assert.True(seen.CrossEntropy < 0.3, $"the training text should be nearly memorised, got {seen.CrossEntropy}");
        Assert.True(unrelated.CrossEntropy > seen.CrossEntropy + 1);
    }

    [Fact]
    public void PerRowEvaluationScoresEveryNameWithItsEnd()
    {
        var metrics = models.Ml.LanguageModels().Evaluate(models.Names, models.NameRows);
        Output.WriteLine(metrics.ToString());
        long characters = File.ReadLines(DataPath("names.txt")).Take(600).Sum(n => (long)n.Length);
        Assert.Equal(characters + 600, metrics.TokenCount); // each name's characters plus its <eos>
        Assert.InRange(metrics.CrossEntropy, 1.5, Math.Log(27));
    }

    [Fact]
    public void LossByPositionFallsWithContextForAStatelessWindow()
    {
        var losses = models.Ml.LanguageModels().LossByPosition(models.Stream, models.Text);
        Output.WriteLine(string.Join(" ", losses.Select(l => l.ToString("F2"))));
        Assert.Equal(models.Stream.LastTransformer.TrainingWindows.SequenceLength, losses.Length);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
    }

    [Fact]
    public void HiddenStateGradientNormsCoverEachStepAndAreLargestNearTheEnd()
    {
        var norms = models.Ml.LanguageModels().HiddenStateGradientNorms(models.Stream, models.Text, steps: 30, windows: 4);
        Output.WriteLine(string.Join(" ", norms.Select(n => n.ToString("G3"))));
        Assert.Equal(30, norms.Length);
        Assert.True(norms[^1] > 0);
        Assert.True(norms[^1] > norms[0], "the last step's own state should matter more to its loss than the first step's");
    }
}
