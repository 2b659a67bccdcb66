using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.SequenceLM;

// Soak: trains a small GRU for N steps and generates M tokens in one process, sampling resident memory (VmRSS) every
// 500 steps and every 10,000 tokens, then prints the series and whether memory stayed flat after warm-up.
// Usage: dotnet run -c Release --project benchmarks/Soak -- [steps=10000] [tokens=100000] [corpus path]
int steps = args.Length > 0 ? int.Parse(args[0]) : 10_000;
int tokens = args.Length > 1 ? int.Parse(args[1]) : 100_000;
string corpus = args.Length > 2 ? args[2] : Path.Combine(FindRepoRoot(), "..", "shared", "data", "timemachine.txt");
const double FlatMegabytes = 5;

static double RssMegabytes()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    throw new InvalidOperationException("no VmRSS in /proc/self/status");
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.SequenceLM.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

static (double Growth, bool Flat) Verdict(string phase, List<(long At, double Mb)> series, int warmup)
{
    var after = series.Skip(warmup).ToList();
    double growth = after[^1].Mb - after[0].Mb;
    double peak = after.Max(s => s.Mb) - after[0].Mb;
    bool flat = growth < FlatMegabytes && peak < 2 * FlatMegabytes;
    Console.WriteLine($"{phase}: after warm-up ({after[0].At}) RSS {after[0].Mb:F1} -> {after[^1].Mb:F1} MB, growth {growth:+0.0;-0.0} MB, " +
                      $"peak +{peak:F1} MB: {(flat ? "FLAT" : "GROWING")}");
    return (growth, flat);
}

var clock = Stopwatch.StartNew();
Console.WriteLine($"corpus {corpus}; {steps} training steps, {tokens} generated tokens; start RSS {RssMegabytes():F1} MB");
var ml = new MLContext(seed: 1);
var text = ml.Data.LoadTextDocument(corpus);
var training = new List<(long, double)>();
var options = new GruOptions
{
    EmbeddingSize = 32, HiddenSize = 128, NumberOfLayers = 1, BatchSize = 16, SequenceLength = 32,
    Epochs = 1000, MaximumSteps = steps, LearningRate = 0.003f, Dropout = 0.1f, ValidationFraction = 0.05f,
    EvaluateEveryNSteps = 2000, MaximumValidationBatches = 20, Device = "cpu",
    Progress = new SyncProgress(p =>
    {
        if (p.Step % 500 == 0 && (training.Count == 0 || training[^1].Item1 != p.Step))
        {
            training.Add((p.Step, RssMegabytes()));
            Console.WriteLine($"  step {p.Step,6}  loss {p.TrainLoss:F3}  RSS {training[^1].Item2:F1} MB  ({clock.Elapsed.TotalSeconds:F0} s)");
        }
    }),
};
using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(text);
Console.WriteLine($"trained: {model.LastTransformer.History.StopMessage} in {model.LastTransformer.History.TotalSeconds:F0} s");

var generator = ml.LanguageModels().CreateGenerator(model);
var generation = new List<(long, double)>();
long produced = 0;
int seed = 0;
var generationClock = Stopwatch.StartNew();
while (produced < tokens)
{
    // Alternate the three paths: batched samples, a single sample with a stop string (token by token), streaming.
    int chunk = 500;
    switch (seed % 3)
    {
        case 0:
            foreach (var s in generator.Generate("the ", 2, new GenerationOptions { MaxTokens = chunk / 2, Seed = ++seed })) produced += s.Keys.Length;
            break;
        case 1:
            produced += generator.Generate("It was ", 1, new GenerationOptions { MaxTokens = chunk, Seed = ++seed, StopStrings = new[] { "\u0000" } })[0].Keys.Length;
            break;
        default:
            foreach (var _ in generator.Stream("The ", new GenerationOptions { MaxTokens = chunk, Seed = ++seed })) produced++;
            break;
    }
    if (produced / 10_000 > generation.Count - 1 || generation.Count == 0)
    {
        generation.Add((produced, RssMegabytes()));
        Console.WriteLine($"  tokens {produced,7}  RSS {generation[^1].Item2:F1} MB  ({generationClock.Elapsed.TotalSeconds:F0} s)");
    }
}
Console.WriteLine($"generated {produced} tokens in {generationClock.Elapsed.TotalSeconds:F1} s ({produced / generationClock.Elapsed.TotalSeconds:F0} tokens/s)");
Console.WriteLine();
Console.WriteLine("training RSS series (step, MB): " + string.Join(" ", training.Select(s => $"{s.Item1}:{s.Item2:F1}")));
Console.WriteLine("generation RSS series (tokens, MB): " + string.Join(" ", generation.Select(s => $"{s.Item1}:{s.Item2:F1}")));
var (_, trainFlat) = Verdict("training", training, warmup: Math.Min(2, training.Count - 1));
var (_, generateFlat) = Verdict("generation", generation, warmup: Math.Min(2, generation.Count - 1));
Console.WriteLine($"verdict: {(trainFlat && generateFlat ? "FLAT" : "GROWING")} (threshold {FlatMegabytes} MB after warm-up); total {clock.Elapsed.TotalSeconds:F0} s");
return trainFlat && generateFlat ? 0 : 1;

sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
