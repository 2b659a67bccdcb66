using Microsoft.ML.SequenceLM.Tests.SaveVictim;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Reliability;

/// <summary>Many engines over one model, in parallel, give exactly the sequential outputs; disposal mid-use is safe.</summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : TestBase(output)
{
    private static TransformerChain<LanguageModelTransformer> Train(MLContext ml) =>
        ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(BadInputTests.TinyGru())).Fit(Scenarios.Text(ml, 10));

    [Fact]
    public void ParallelGenerationMatchesSequentialRunsWithTheSameSeeds()
    {
        const int threads = 8, perThread = 20;
        var ml = new MLContext(1);
        using var model = Train(ml);
        string[] prompts = { "the ", "a b", "", "dog sat on" };
        Prompt PromptFor(int t, int i) => new() { Text = prompts[(t + i) % prompts.Length], MaxTokens = 25, Temperature = 0.9f, TopK = 8, Seed = 1000 * t + i + 1 };

        // Sequential reference, one engine.
        var reference = new string[threads, perThread];
        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        for (int t = 0; t < threads; t++)
            for (int i = 0; i < perThread; i++)
                reference[t, i] = engine.Predict(PromptFor(t, i)).Text;

        // 8 threads, each with its own PredictionEngine and TextGenerationEngine, started together.
        var parallel = new string[threads, perThread];
        var viaGenerator = new string[threads, perThread];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var mine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
            var generator = ml.LanguageModels().CreateGenerator(model);
            start.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                var p = PromptFor(t, i);
                parallel[t, i] = mine.Predict(p).Text;
                viaGenerator[t, i] = generator.Generate(p.Text, new GenerationOptions { MaxTokens = 25, Temperature = 0.9f, TopK = 8, Seed = p.Seed });
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        int distinct = reference.Cast<string>().Distinct().Count();
        Output.WriteLine($"{threads * perThread} generations, {distinct} distinct texts; e.g. '{reference[0, 0]}'");
        Assert.True(distinct > threads * perThread / 2, "different seeds should give different samples, or the comparison proves little");
        for (int t = 0; t < threads; t++)
            for (int i = 0; i < perThread; i++)
            {
                Assert.Equal(reference[t, i], parallel[t, i]);
                Assert.Equal(reference[t, i], viaGenerator[t, i]);
            }
    }

    [Fact]
    public void DisposingTheModelWhileAnotherThreadGeneratesIsSafe()
    {
        var ml = new MLContext(1);
        var model = Train(ml);
        var generator = ml.LanguageModels().CreateGenerator(model);
        var options = new GenerationOptions { MaxTokens = 400, Temperature = 1f, Seed = 5 };
        using var streaming = new ManualResetEventSlim();
        using var disposed = new ManualResetEventSlim();
        int streamed = 0, completed = 0, refused = 0;
        var failures = new List<Exception>();
        var worker = new Thread(() =>
        {
            try
            {
                // A stream in flight keeps its generation session (which holds the weights alive) until it ends.
                foreach (var piece in generator.Stream("the ", options))
                {
                    if (++streamed != 20) continue;
                    streaming.Set();
                    disposed.Wait(); // the model is disposed while this stream is in flight
                }
                for (int i = 0; i < 1000; i++)
                {
                    try
                    {
                        generator.Generate("the ", new GenerationOptions { MaxTokens = 5, Seed = i });
                        completed++;
                    }
                    catch (ObjectDisposedException) { refused++; }
                }
            }
            catch (Exception e)
            {
                lock (failures) failures.Add(e);
            }
            finally { streaming.Set(); }
        });
        worker.Start();
        Assert.True(streaming.Wait(TimeSpan.FromSeconds(30)));
        model.Dispose(); // from this thread, mid-stream
        disposed.Set();
        worker.Join();
        Output.WriteLine($"streamed {streamed} pieces; after disposal {completed} calls completed, {refused} refused");
        Assert.Empty(failures);
        Assert.Equal(400, streamed); // the in-flight stream finished normally
        Assert.True(refused > 0, "calls after disposal must be refused");
        Assert.Equal(1000, completed + refused);
        Assert.Equal(0, completed); // every call started after disposal is refused
        var e = Assert.Throws<ObjectDisposedException>(() => model.LastTransformer.GetWeights());
        Output.WriteLine(e.Message);
        model.Dispose(); // twice is harmless
    }
}
