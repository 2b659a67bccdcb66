using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Training;

/// <summary>
/// The n-gram rungs of the ladder (bigram, MLP, WaveNet) through the same pipeline as the other families: they train,
/// generate through PredictionEngine, round-trip through ML.NET's zip, learn per-row data, resume from checkpoints, and
/// reject bad options with errors that name the fix.
/// </summary>
public sealed class FixedContextFamiliesTests(ITestOutputHelper output) : TestBase(output)
{
    private const string Corpus = "the cat sat on the mat. the dog sat on the log. ";

    public static TheoryData<string> Families() => new() { "bigram", "mlp", "wavenet" };

    private static LanguageModelTrainerOptions Small(string family) => family switch
    {
        "bigram" => new BigramOptions(),
        "mlp" => new MlpOptions { ContextLength = 4, EmbeddingSize = 8, HiddenSize = 32, NumberOfLayers = 2 },
        "wavenet" => new WaveNetOptions { ContextLength = 8, EmbeddingSize = 8, HiddenSize = 32 },
        _ => throw new ArgumentException(family),
    };

    private static LanguageModelTrainerOptions Configured(string family, int epochs = 15, WindowMode? mode = null)
    {
        var o = Small(family);
        o.BatchSize = 8;
        o.SequenceLength = 16;
        o.Epochs = epochs;
        if (family != "bigram") o.LearningRate = 0.01f;
        o.ValidationFraction = 0f;
        o.Device = "cpu";
        o.WindowMode = mode;
        return o;
    }

    private static LanguageModelTrainer Trainer(MLContext ml, LanguageModelTrainerOptions options) => options switch
    {
        BigramOptions b => ml.LanguageModels().Trainers.Bigram(b),
        MlpOptions m => ml.LanguageModels().Trainers.Mlp(m),
        WaveNetOptions w => ml.LanguageModels().Trainers.WaveNet(w),
        _ => throw new ArgumentException(options.GetType().Name),
    };

    private static TransformerChain<LanguageModelTransformer> FitText(MLContext ml, LanguageModelTrainerOptions options, string text) =>
        ml.Transforms.TokenizeChars().Append(Trainer(ml, options))
            .Fit(ml.Data.LoadFromEnumerable(new[] { new Line { Text = text } }));

    [Theory]
    [MemberData(nameof(Families))]
    public void TrainsGeneratesThroughPredictionEngineAndRoundTripsThroughTheZip(string family)
    {
        var ml = new MLContext(seed: 1);
        var text = string.Concat(Enumerable.Repeat(Corpus, 20));
        using var model = FitText(ml, Configured(family), text);
        var lm = model.LastTransformer;
        var records = lm.History.Records;
        Output.WriteLine($"{family}: {lm.ParameterCount:N0} parameters, loss {records[0].TrainLoss:F3} -> {records[^1].TrainLoss:F3}");
        Assert.Equal(family, lm.Config.FamilyName);
        Assert.True(records[^1].TrainLoss < 0.6 * records[0].TrainLoss, "training loss should fall well below its start");

        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        var prompt = new Prompt { Text = "the ", MaxTokens = 30, Temperature = 1f, Seed = 7 };
        var completion = engine.Predict(prompt);
        Output.WriteLine($"sample: '{completion.Text}'");
        Assert.Equal(30, completion.TokenCount);
        Assert.All(completion.Text, c => Assert.Contains(c, Corpus));

        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(new[] { new Line() }).Schema, path);
        using var loaded = (IDisposable)ml.Model.Load(path, out _);
        var loadedLm = (LanguageModelTransformer)((TransformerChain<ITransformer>)loaded).LastTransformer;
        var keys = lm.Vocabulary.Encode("the dog sat on the mat".Select(c => c.ToString()));
        Assert.Equal(lm.ComputeLogits(keys, 1, keys.Length), loadedLm.ComputeLogits(keys, 1, keys.Length));
        Assert.Equal(lm.Config, loadedLm.Config);
        Assert.Equal(engine.Predict(prompt).Text, ml.Model.CreatePredictionEngine<Prompt, Completion>((ITransformer)loaded).Predict(prompt).Text);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void GenerationSeesOnlyTheLastContextLengthTokens(string family)
    {
        var ml = new MLContext(seed: 1);
        using var model = FitText(ml, Configured(family, epochs: 2), string.Concat(Enumerable.Repeat(Corpus, 10)));
        int context = model.LastTransformer.Config.ContextLength;
        var generator = ml.LanguageModels().CreateGenerator(model);
        var options = new GenerationOptions { MaxTokens = 25, Seed = 3 };
        string ending = "the dog sat on "[^context..];
        var sample = generator.Generate(ending, options);
        Assert.Equal(25, sample.Length);
        Assert.Equal(sample, generator.Generate("a cat on the log. " + ending, options));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void LearnsPerRowNamesAndReportsWhereSamplesComeFrom(string family)
    {
        var ml = new MLContext(seed: 2);
        var names = File.ReadLines(DataPath("names.txt")).Take(400).Select(n => new Line { Text = n }).ToArray();
        var options = Configured(family, epochs: 6, mode: WindowMode.PerRow);
        options.BatchSize = 32;
        options.ValidationFraction = 0.1f;
        using var model = ml.Transforms.TokenizeChars().Append(Trainer(ml, options)).Fit(ml.Data.LoadFromEnumerable(names));
        var history = model.LastTransformer.History;
        Output.WriteLine($"{family}: validation {history.Records.First(r => r.ValidationLoss != null).ValidationLoss:F3} -> {history.BestValidationLoss:F3}");
        Assert.True(history.BestValidationLoss < Math.Log(model.LastTransformer.Vocabulary.Count) - 0.5, "better than uniform");

        var samples = ml.LanguageModels().CreateGenerator(model).Generate("", 20, new GenerationOptions { MaxTokens = 30, Seed = 5 });
        foreach (var s in samples.Take(5)) Output.WriteLine($"{s.Text} ({s.Origin}, {s.StopReason})");
        Assert.All(samples, s => Assert.NotEqual(SampleOrigin.Unknown, s.Origin));
        Assert.Contains(samples, s => s.StopReason == GenerationStopReason.EndOfSequence);
    }

    [Fact]
    public void CountingBigramIsTheNormalisedCountTable()
    {
        var ml = new MLContext(seed: 1);
        var options = (BigramOptions)Configured("bigram");
        options.Smoothing = 0;
        options.ValidationFraction = 0.1f;
        using var model = FitText(ml, options, string.Concat(Enumerable.Repeat("ab", 200)));
        var lm = model.LastTransformer;
        var keys = lm.Vocabulary.Encode(new[] { "a", "b" });
        var logits = lm.ComputeLogits(keys, 1, 2);
        int v = lm.Vocabulary.Count;
        // Every 'a' is followed by 'b' and every 'b' by 'a': probability 1, every other pair 0 (logit -infinity).
        Assert.Equal(0f, logits[(int)keys[1]], 6);
        Assert.Equal(0f, logits[v + (int)keys[0]], 6);
        Assert.Equal(v - 1, logits.Take(v).Count(float.IsNegativeInfinity));
        Assert.Equal(0, lm.History.BestValidationLoss!.Value, 6);
        Assert.Equal("babab", ml.LanguageModels().CreateGenerator(model).Generate("a", new GenerationOptions { MaxTokens = 5, Seed = 1 }));

        options.Smoothing = 1; // add-one: unseen pairs get (0 + 1) / (n + V), seen ones (n + 1) / (n + V)
        using var smoothed = FitText(ml, options, string.Concat(Enumerable.Repeat("ab", 200)));
        var p = smoothed.LastTransformer.ComputeLogits(keys[..1], 1, 1).Select(l => Math.Exp(l)).ToArray();
        var unseen = p.Where((_, j) => j != keys[1]).ToArray();
        Assert.All(unseen, x => Assert.Equal(unseen[0], x, 7));
        Assert.Equal(1.0, p.Sum(), 5);
        Assert.True(p[keys[1]] > 0.9 && p[keys[1]] / unseen[0] > 100, $"p(b|a) = {p[keys[1]]}, unseen {unseen[0]}");
    }

    [Fact]
    public void WaveNetEvaluatesWithRunningStatisticsSavedWithTheModel()
    {
        var ml = new MLContext(seed: 1);
        using var model = FitText(ml, Configured("wavenet", epochs: 3), string.Concat(Enumerable.Repeat(Corpus, 10)));
        var lm = model.LastTransformer;
        var stats = lm.GetWeights().Where(w => w.Name.EndsWith(".running_mean") || w.Name.EndsWith(".running_var")).ToArray();
        Assert.Equal(2 * 3, stats.Length); // three levels for a context of 8
        Assert.Contains(stats, w => w.Data.Any(x => x != 0 && x != 1)); // training moved them off their start

        // With running statistics a row's logits do not depend on the other rows of the batch.
        var a = lm.Vocabulary.Encode("the cat ".Select(c => c.ToString()));
        var b = lm.Vocabulary.Encode("on the l".Select(c => c.ToString()));
        Assert.Equal(lm.ComputeLogits(a, 1, 8), lm.ComputeLogits(a.Concat(b).ToArray(), 2, 8).Take(8 * lm.Vocabulary.Count));
    }

    [Fact]
    public void WaveNetResumedFromACheckpointMatchesAnUninterruptedRun()
    {
        WaveNetOptions Options(string dir, long? steps)
        {
            var o = (WaveNetOptions)Configured("wavenet", epochs: 2);
            o.BatchSize = 4;
            o.SequenceLength = 8;
            o.ValidationFraction = 0.2f;
            o.EvaluateEveryNSteps = 4;
            o.Seed = 9;
            o.CheckpointDirectory = dir;
            o.CheckpointEveryNSteps = 4;
            o.MaximumSteps = steps;
            return o;
        }
        var ml = new MLContext(1);
        var text = string.Concat(Enumerable.Repeat(Corpus, 12));
        using var uninterrupted = FitText(ml, Options(CreateTempDirectory(), null), text);
        var dir = CreateTempDirectory();
        using (FitText(ml, Options(dir, 8), text)) { }
        var resume = Options(dir, null);
        resume.ResumeFromCheckpoint = dir;
        using var resumed = FitText(ml, resume, text);
        string[] Curve(TrainingHistory h) => h.Records.Select(r => $"{r.Step} {r.TrainLoss:R} {r.ValidationLoss:R}").ToArray();
        Assert.True(uninterrupted.LastTransformer.History.TotalSteps > 8);
        Assert.Equal(Curve(uninterrupted.LastTransformer.History), Curve(resumed.LastTransformer.History));
        Assert.Equal(uninterrupted.LastTransformer.GetWeights().SelectMany(w => w.Data), resumed.LastTransformer.GetWeights().SelectMany(w => w.Data));
    }

    [Fact]
    public void BadOptionsNameTheProblemAndTheFix()
    {
        var ml = new MLContext(1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.LanguageModels().Trainers.WaveNet(new WaveNetOptions { ContextLength = 6 }));
        Assert.Contains("ContextLength", e.Message);
        Assert.Contains("power of two", e.Message);
        Assert.Contains("try 8", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.LanguageModels().Trainers.Bigram(new BigramOptions { Smoothing = -1 }));
        Assert.Contains("Smoothing", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.LanguageModels().Trainers.Bigram(new BigramOptions { Dropout = 0.2f }));
        Assert.Contains("no layer to drop out of", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.LanguageModels().Trainers.Mlp(new MlpOptions { NumberOfLayers = 0 }));
        Assert.Contains("NumberOfLayers", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.LanguageModels().Trainers.Mlp(new MlpOptions { ContextLength = 0 }));
        Assert.Contains("ContextLength", e.Message);
    }

    private sealed class Line
    {
        public string Text { get; set; } = "";
    }
}
