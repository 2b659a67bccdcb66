using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Training;

/// <summary>The training loop's options: schedules, budgets, validation and best weights, early stopping, fine-tuning.</summary>
public sealed class TrainingLoopTests(ITestOutputHelper output) : TestBase(output)
{
    private const string Corpus = "the cat sat on the mat. the dog sat on the log. ";

    private static IDataView Text(MLContext ml, string text, int repeat = 20) =>
        ml.Data.LoadFromEnumerable(new[] { new Doc { Text = string.Concat(Enumerable.Repeat(text, repeat)) } });

    private static GruOptions Small(Action<GruOptions>? change = null)
    {
        var o = new GruOptions
        {
            EmbeddingSize = 8, HiddenSize = 24, NumberOfLayers = 1, BatchSize = 4, SequenceLength = 16, Epochs = 3,
            LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0f, Device = "cpu",
        };
        change?.Invoke(o);
        return o;
    }

    private LanguageModelTransformer Train(MLContext ml, IDataView text, GruOptions options) =>
        ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(text).LastTransformer;

    [Fact]
    public void EpochDecayDividesTheRateAfterEveryEpoch()
    {
        var ml = new MLContext(seed: 1);
        using var lm = Train(ml, Text(ml, Corpus), Small(o =>
        {
            o.Optimizer = OptimizerKind.Sgd;
            o.LearningRate = 1f;
            o.LearningRateSchedule = LearningRateSchedule.EpochDecay(2f);
            o.Epochs = 3;
        }));
        var rateByEpoch = lm.History.Records.GroupBy(r => r.Epoch).ToDictionary(g => g.Key, g => g.First().LearningRate);
        Assert.Equal(1f, rateByEpoch[0]);
        Assert.Equal(0.5f, rateByEpoch[1]);
        Assert.Equal(0.25f, rateByEpoch[2]);
    }

    [Fact]
    public void CosineScheduleWarmsUpThenDecays()
    {
        var ml = new MLContext(seed: 1);
        using var lm = Train(ml, Text(ml, Corpus), Small(o =>
        {
            o.LearningRateSchedule = LearningRateSchedule.Cosine(warmupSteps: 10, minimumFraction: 0.1f);
            o.MaximumSteps = 60;
            o.Epochs = 100;
        }));
        var rates = lm.History.Records.Select(r => r.LearningRate).ToArray();
        Output.WriteLine(string.Join(" ", rates.Select(r => r.ToString("G3"))));
        Assert.True(rates[0] < 0.002f, "the first step is in warm-up");
        Assert.InRange(rates.Max(), 0.0095f, 0.01f);
        Assert.InRange(rates[^1], 0.001f, 0.0015f);
        Assert.Equal(TrainingStopReason.StepBudget, lm.History.StopReason);
        Assert.Equal(60, lm.History.TotalSteps);
    }

    [Fact]
    public void TimeBudgetStopsTraining()
    {
        var ml = new MLContext(seed: 1);
        using var lm = Train(ml, Text(ml, Corpus, 200), Small(o => { o.Epochs = 10_000; o.TimeBudget = TimeSpan.FromSeconds(1.5); }));
        Assert.Equal(TrainingStopReason.TimeBudget, lm.History.StopReason);
        Assert.InRange(lm.History.TotalSeconds, 1.5, 10);
    }

    [Fact]
    public void BestValidationWeightsAreKeptAndEarlyStoppingEndsAPlateau()
    {
        var ml = new MLContext(seed: 1);
        var text = Text(ml, Corpus + "a bird sang in the tree. ", 40);
        using var lm = Train(ml, text, Small(o =>
        {
            o.ValidationFraction = 0.2f;
            o.EvaluateEveryNSteps = 20;
            o.Epochs = 200;
            o.LearningRate = 0.05f; // high enough to overfit and wobble
            o.EarlyStoppingPatience = 3;
        }));
        var evaluations = lm.History.Records.Where(r => r.ValidationLoss != null).ToList();
        Output.WriteLine(string.Join(" ", evaluations.Select(r => $"{r.Step}:{r.ValidationLoss:F3}")));
        Assert.Equal(TrainingStopReason.EarlyStopping, lm.History.StopReason);
        Assert.Equal(evaluations.Min(r => r.ValidationLoss), lm.History.BestValidationLoss);
        Assert.True(evaluations.Count(r => r.Step > lm.History.BestStep) >= 3);

        // The returned weights are the best ones: scoring the validation split (the last 20% of the characters, cut into
        // the same windows) gives the best validation loss, not the last one.
        string all = string.Concat(Enumerable.Repeat(Corpus + "a bird sang in the tree. ", 40));
        var validation = ml.Data.LoadFromEnumerable(new[] { new Doc { Text = all[(int)Math.Round(all.Length * 0.8)..] } });
        using var chain = new TransformerChain<LanguageModelTransformer>(ml.Transforms.TokenizeChars().Fit(text), lm);
        var score = ml.LanguageModels().Evaluate(chain, validation, new EvaluationOptions { BatchSize = 4 });
        Assert.Equal(lm.History.BestValidationLoss!.Value, score.CrossEntropy, 4);
    }

    [Fact]
    public void FineTuningKeepsTheVocabularyAndMapsNewCharactersToUnknown()
    {
        var ml = new MLContext(seed: 1);
        using var first = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(Small())).Fit(Text(ml, Corpus));
        var newText = Text(ml, "the fox sat on the box. ", 30); // 'f', 'x', 'b' are new characters
        var tokenizer = ml.Transforms.TokenizeChars().Fit(newText);
        var before = ml.LanguageModels().Evaluate(first, newText, new EvaluationOptions { BatchSize = 1 });

        using var tuned = ml.LanguageModels().Trainers.Gru(Small(o => o.Epochs = 5)).Fit(tokenizer.Transform(newText), first.LastTransformer);
        Assert.Equal(first.LastTransformer.Vocabulary.Tokens, tuned.Vocabulary.Tokens);
        Assert.False(tuned.Vocabulary.Contains("x"));
        var after = ml.LanguageModels().Evaluate(new TransformerChain<LanguageModelTransformer>(tokenizer, tuned), newText, new EvaluationOptions { BatchSize = 1 });
        Output.WriteLine($"new text before fine-tuning: {before}\nafter: {after}");
        Assert.True(after.CrossEntropy < before.CrossEntropy - 0.5);
        // The first model is untouched.
        Assert.Equal(before.CrossEntropy, ml.LanguageModels().Evaluate(first, newText, new EvaluationOptions { BatchSize = 1 }).CrossEntropy, 6);
    }

    [Fact]
    public void ProgressIsReportedAndHistoryRecordsThroughput()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<TrainingProgress>();
        using var lm = Train(ml, Text(ml, Corpus), Small(o => { o.Progress = new SyncProgress(reports.Add); o.ReportEveryNSteps = 5; }));
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.True(r.TokensPerSecond > 0 && r.Step % 5 == 0 || r.Step == lm.History.TotalSteps));
        Assert.Equal(reports.Select(r => r.Step), lm.History.Records.Select(r => r.Step));
        Assert.InRange(reports[^1].Fraction, 0.99, 1.0);
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private sealed class Doc
    {
        public string Text { get; set; } = "";
    }
}
