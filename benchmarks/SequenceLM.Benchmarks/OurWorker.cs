using System.Diagnostics;
using Microsoft.ML.SequenceLM.Generation;
using Microsoft.ML.SequenceLM.Models;
using TorchSharp;

namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>
/// Runs one configuration with our library in this process: one engine call per training step (LanguageModelEngine.TrainStep,
/// with the last good weights kept, as the trainer's loop does), one call for a whole generation (GenerationSession.Next). Data is read before timing.
/// </summary>
public static class OurWorker
{
    public static BenchResult Run(BenchSpec spec)
    {
        TorchRuntime.Threads = spec.Threads;
        return spec.Task switch
        {
            "peak" => Peak(spec),
            "generate" => Generate(spec),
            _ => Train(spec),
        };
    }

    private static LanguageModelEngine CreateModel(BenchSpec s)
    {
        var family = s.Family switch
        {
            "rnn_tanh" => ModelFamily.RnnTanh,
            "gru" => ModelFamily.Gru,
            "lstm" => ModelFamily.Lstm,
            "transformer" => ModelFamily.Transformer,
            "bigram" => ModelFamily.Bigram,
            "mlp" => ModelFamily.Mlp,
            "wavenet" => ModelFamily.WaveNet,
            _ => throw new ArgumentException($"unknown family {s.Family}"),
        };
        var config = new ModelSettings
        {
            Family = (int)family,
            NumLayers = s.Layers,
            VocabSize = s.Vocab,
            EmbeddingSize = s.Embedding,
            HiddenSize = family == ModelFamily.Bigram ? s.Vocab : s.Hidden,
            NumHeads = s.Heads,
            Positional = 0,
            ContextLength = s.Context,
            FfnSize = 0,
            Dropout = s.Dropout,
            TieWeights = s.Tie ? 1 : 0,
            IgnoreIndex = s.IgnoreIndex,
            Seed = s.Seed,
        };
        return LanguageModelEngine.Create(config, "cpu");
    }

    private static BenchResult Train(BenchSpec s)
    {
        var batches = DataPreparation.ReadBatches(s.DataFile);
        using var model = CreateModel(s);
        model.SetOptimizer(new OptimizerSettings { Type = 1, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f });
        model.KeepLastGoodWeights(true); // as the trainer does: each step also keeps the weights it started from
        double firstLoss = double.NaN, lastLoss = double.NaN;
        long tokens = 0, positions = 0;
        var clock = new Stopwatch();
        for (int i = 0; i < batches.Count; i++)
        {
            if (i == s.Warmup) clock.Start();
            var b = batches[i];
            var options = new StepSettings
            {
                LearningRate = s.LearningRate,
                ClipNorm = s.Clip,
                CarryState = s.Sequential && i > 0 ? 1 : 0,
                Seed = (ulong)i,
            };
            var (loss, _) = model.TrainStep(b.Inputs, b.Targets, b.Size, b.Steps, options);
            if (i == 0) firstLoss = loss;
            lastLoss = loss;
            if (i < s.Warmup) continue;
            positions += b.Inputs.Length;
            tokens += b.LossTokens(s.IgnoreIndex);
        }
        clock.Stop();
        return Result(s, clock.Elapsed.TotalSeconds, tokens, positions) with { FirstLoss = firstLoss, LastLoss = lastLoss };
    }

    private static BenchResult Generate(BenchSpec s)
    {
        var prompts = DataPreparation.ReadPrompts(s.DataFile);
        using var model = CreateModel(s);
        var sampling = new SamplingSettings { Temperature = 1f, TopK = 0, TopP = 1f, Seed = s.Seed };
        var tokens = new long[s.GenerateTokens * prompts.Length];
        void Once(int count)
        {
            using var generator = GenerationSession.Create(model, prompts, sampling, default);
            generator.Next(count, -1, tokens.AsSpan(0, count * prompts.Length));
        }
        for (int i = 0; i < s.Warmup; i++) Once(Math.Min(s.GenerateTokens, 50));
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < s.Steps; i++) Once(s.GenerateTokens);
        clock.Stop();
        long generated = (long)s.Steps * s.GenerateTokens * prompts.Length;
        return Result(s, clock.Elapsed.TotalSeconds, generated, generated);
    }

    /// <summary>The machine's matrix-multiply peak: n x n float32 products with torch.mm under the library's thread settings.</summary>
    private static BenchResult Peak(BenchSpec s)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(s.MatmulSize, s.MatmulSize);
        var b = torch.randn(s.MatmulSize, s.MatmulSize);
        for (int i = 0; i < 2; i++) Multiply(); // warm-up
        int iterations = s.Steps;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) Multiply();
        double seconds = clock.Elapsed.TotalSeconds;
        double n = s.MatmulSize;
        return Result(s, seconds, 0, 0) with { Gflops = 2 * n * n * n * iterations / seconds / 1e9 };

        void Multiply()
        {
            using var product = torch.mm(a, b);
        }
    }

    private static BenchResult Result(BenchSpec s, double seconds, long tokens, long positions) => new()
    {
        Name = s.Name,
        Side = "ours",
        Seconds = seconds,
        Tokens = tokens,
        Positions = positions,
        TokensPerSecond = seconds > 0 ? tokens / seconds : 0,
        Threads = TorchRuntime.Threads,
        TorchVersion = TorchRuntime.TorchVersion,
    };

    /// <summary>Peak resident set size of this process (VmHWM), in KiB.</summary>
    public static long PeakRssKb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return 0;
    }
}
