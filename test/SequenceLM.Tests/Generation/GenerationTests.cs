using Microsoft.ML.SequenceLM.Models;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Generation;

/// <summary>Each sampling option's effect, stop conditions, batching, streaming and the per-row report.</summary>
public sealed class GenerationTests(TrainedModels models, ITestOutputHelper output) : IClassFixture<TrainedModels>
{
    private TextGenerationEngine Engine => models.Ml.LanguageModels().CreateGenerator(models.Stream);

    [Fact]
    public void TopKOneIsGreedy()
    {
        var greedy = Engine.Generate("the ", new GenerationOptions { MaxTokens = 60, Temperature = 0 });
        for (int seed = 1; seed <= 3; seed++)
            Assert.Equal(greedy, Engine.Generate("the ", new GenerationOptions { MaxTokens = 60, Temperature = 1.5f, TopK = 1, Seed = seed }));
        output.WriteLine(greedy);
    }

    [Fact]
    public void TemperatureNearZeroApproachesGreedy()
    {
        var greedy = Engine.Generate("a b", new GenerationOptions { MaxTokens = 80, Temperature = 0 });
        var cold = Engine.Generate("a b", new GenerationOptions { MaxTokens = 80, Temperature = 0.01f, Seed = 5 });
        var hot = Enumerable.Range(1, 5).Select(s => Engine.Generate("a b", new GenerationOptions { MaxTokens = 80, Temperature = 3f, Seed = s })).ToList();
        Assert.Equal(greedy, cold);
        Assert.Contains(hot, h => h != greedy);
    }

    [Fact]
    public void TopPSamplesOnlyFromTheSmallestSetReachingP()
    {
        // The next-token distribution after "the " is read from the logits; with top-p = p, every sample must come
        // from the smallest set of most likely tokens whose probability reaches p, and all of that set appears.
        var lm = models.Stream.LastTransformer;
        var prompt = lm.Vocabulary.Encode(new[] { "t", "h", "e", " " });
        var logits = lm.ComputeLogits(prompt, 1, prompt.Length);
        int v = lm.Config.VocabularySize;
        var last = logits.AsSpan((prompt.Length - 1) * v, v).ToArray().Select(x => (double)x).ToArray();
        double max = last.Max();
        var p = last.Select(x => Math.Exp(x - max)).ToArray();
        double z = p.Sum();
        var order = Enumerable.Range(0, v).OrderByDescending(i => p[i]).ToArray();
        var nucleus = new HashSet<long>();
        double mass = 0;
        foreach (var i in order)
        {
            nucleus.Add(i);
            mass += p[i] / z;
            if (mass >= 0.9) break;
        }
        output.WriteLine($"nucleus for p=0.9: {string.Join(" ", nucleus.Select(k => $"'{lm.Vocabulary.GetToken(k)}'"))}");

        var seen = new HashSet<long>();
        var samples = Engine.Generate("the ", 400, new GenerationOptions { MaxTokens = 1, Temperature = 1f, TopP = 0.9f, Seed = 11 });
        foreach (var s in samples) seen.Add(s.Keys[0]);
        Assert.Subset(nucleus, seen);
        Assert.Equal(nucleus.Count, seen.Count);
    }

    [Fact]
    public void StopStringEndsTheSampleAndIsLeftOut()
    {
        // After "a bird" the corpus always goes on with " sang in the tree.": greedy decoding stops before the ".".
        var text = Engine.Generate("a bird", new GenerationOptions { MaxTokens = 200, Temperature = 0, StopStrings = new[] { "." } });
        Assert.Equal(" sang in the tree", text);
        var sample = Engine.Generate("a bird", 1, new GenerationOptions { MaxTokens = 200, Temperature = 0, StopStrings = new[] { "." } })[0];
        Assert.Equal(GenerationStopReason.StopString, sample.StopReason);
        Assert.Equal(GenerationStopReason.MaxTokens,
            Engine.Generate("the cat", 1, new GenerationOptions { MaxTokens = 5, Temperature = 0 })[0].StopReason);
    }

    [Fact]
    public void PredictionEngineTakesStopStringsAndSamplingSettingsFromThePrompt()
    {
        var engine = models.Ml.Model.CreatePredictionEngine<Prompt, Completion>(models.Stream); // ML.NET's engine
        var greedy = engine.Predict(new Prompt { Text = "the d", MaxTokens = 14, Temperature = 0 });
        Assert.Equal("og sat on the ", greedy.Text);
        var stopped = engine.Predict(new Prompt { Text = "the d", MaxTokens = 14, Temperature = 0, StopStrings = new[] { " on" } });
        Assert.Equal("og sat", stopped.Text);
        var again = engine.Predict(new Prompt { Text = "the d", MaxTokens = 14, Temperature = 0 }); // the next row has no stop strings
        Assert.Equal(greedy.Text, again.Text);
        var seeded = new Prompt { Text = "the ", MaxTokens = 30, Temperature = 1.5f, TopK = 5, Seed = 11 };
        Assert.Equal(engine.Predict(seeded).Text, engine.Predict(seeded).Text);
    }

    [Fact]
    public void SameSeedSameTextAndStreamingMatchesBatch()
    {
        var options = new GenerationOptions { MaxTokens = 50, Temperature = 1f, Seed = 9 };
        var a = Engine.Generate("the ", options);
        Assert.Equal(a, Engine.Generate("the ", options));
        Assert.Equal(a, string.Concat(Engine.Stream("the ", options)));
        Assert.Equal(a, string.Concat(Engine.StreamAsync("the ", options).ToBlockingEnumerable()));
        var stopped = options with { StopStrings = new[] { "on the" } };
        Assert.Equal(Engine.Generate("the ", stopped), string.Concat(Engine.Stream("the ", stopped)));
    }

    [Fact]
    public void BatchOfSamplesDiffersRowByRowAndPromptsOfDifferentLengthsWork()
    {
        var samples = Engine.Generate("the ", 8, new GenerationOptions { MaxTokens = 30, Temperature = 1.2f, Seed = 4 });
        Assert.Equal(8, samples.Count);
        Assert.True(samples.Select(s => s.Text).Distinct().Count() > 1, "independent rows should not all sample the same text");
        var mixed = Engine.GenerateSamples(new[] { "the d", "a bird sang in the", "" }, new GenerationOptions { MaxTokens = 14, Temperature = 0 });
        Assert.Equal("og sat on the ", mixed[0].Text);
        Assert.Equal(" tree. the cat", mixed[1].Text);
        Assert.Equal(14, mixed[2].Keys.Length);
    }

    [Fact]
    public void UnknownCharactersInThePromptAreMappedNotFatal()
    {
        var text = Engine.Generate("ZZZ€€ the cat", new GenerationOptions { MaxTokens = 10, Temperature = 0 });
        Assert.Equal(10, text.Length);
        var onlyUnknown = Engine.Generate("QQQQ", new GenerationOptions { MaxTokens = 10, Temperature = 0.5f, Seed = 1 });
        Assert.Equal(10, onlyUnknown.Length);
    }

    [Fact]
    public void PerRowModelGeneratesNamesUntilEndAndClassifiesThem()
    {
        var engine = models.Ml.LanguageModels().CreateGenerator(models.Names);
        var samples = engine.Generate("", 50, new GenerationOptions { MaxTokens = 30, Temperature = 1f, Seed = 2 });
        foreach (var s in samples.Take(10)) output.WriteLine($"{s.Text,-14} {s.Origin}");
        Assert.All(samples, s => Assert.NotEqual(SampleOrigin.Unknown, s.Origin));
        Assert.True(samples.Count(s => s.StopReason == GenerationStopReason.EndOfSequence) >= 45, "names should end with <eos>");
        Assert.All(samples, s => Assert.DoesNotContain("<", s.Text));
        var training = File.ReadLines(TestBase.DataPath("names.txt")).Take(600).ToHashSet();
        Assert.All(samples.Where(s => s.Origin == SampleOrigin.New), s => Assert.DoesNotContain(s.Text, training));
        Assert.All(samples.Where(s => s.Origin is SampleOrigin.Training or SampleOrigin.Validation), s => Assert.Contains(s.Text, training));
    }

    [Fact]
    public void TransformGeneratesForEveryPromptRowInBatches()
    {
        var prompts = models.Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new Prompt
        {
            Text = i % 2 == 0 ? "the d" : "a bird sang in the", MaxTokens = 14, Temperature = 0,
        }));
        var completions = models.Ml.Data.CreateEnumerable<Completion>(models.Stream.Transform(prompts), reuseRowObject: false).ToList();
        Assert.Equal(40, completions.Count);
        Assert.All(completions.Where((_, i) => i % 2 == 0), c => Assert.Equal("og sat on the ", c.Text));
        Assert.All(completions.Where((_, i) => i % 2 == 1), c => Assert.Equal(" tree. the cat", c.Text));
    }
}
