using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Quality;

// Quality runs on the field's corpora, our side. quality/run.sh runs this and quality/reference.py (PyTorch) on the
// same configuration at the same time, one core each, and prints both results.
// Usage: SequenceLM.Quality <anna|names-FAMILY|names-ladder|ptb-gru|ptb-transformer> --data DIR [--seconds N] [--steps N]
//        [--eval-every N] [--plot FILE.svg]   (FAMILY: bigram, bigram-counts, mlp, wavenet, rnn, gru, lstm, transformer; names-ladder trains
//                             the seven families one after the other and draws their test-loss curves into --plot)
// The full, resumable runs whose figures go to quality/results (see docs/results.md; quality/long-run.sh runs them):
//        SequenceLM.Quality <anna-lstm|timemachine-rnn256|timemachine-rnn512|ptb-analyses> --data DIR --run DIR [--results DIR] [--epochs N]
//        SequenceLM.Quality transformer-initialisation --data DIR [--results DIR] [--steps N]
//        SequenceLM.Quality timemachine-plot --data DIR --run DIR [--results DIR]   (both d2l recipes in one plot, from the
//                             finished runs beside DIR: timemachine-rnn256 and timemachine-rnn512)
string task = args.Length > 0 ? args[0] : throw new ArgumentException("task missing");
string data = Arg("--data") ?? Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data");
double seconds = double.Parse(Arg("--seconds") ?? "300");
long? steps = Arg("--steps") is { } s ? long.Parse(s) : null;
TorchRuntime.Threads = int.Parse(Arg("--threads") ?? "0");

var ml = new MLContext(seed: 1);
var clock = Stopwatch.StartNew();
var result = task switch
{
    "anna" => Anna(),
    "anna-lstm" => AnnaLstm.Run(ml, data, Run().Path, Results()),
    "timemachine-rnn256" => TimeMachineRnn.Run(ml, data, Run(), Results(), hidden: 256, Epochs()),
    "timemachine-rnn512" => TimeMachineRnn.Run(ml, data, Run(), Results(), hidden: 512, Epochs()),
    "timemachine-plot" => TimeMachineRnn.PlotBoth(ml, data, Sibling("timemachine-rnn256"), Sibling("timemachine-rnn512"), Results()),
    "transformer-initialisation" => InitialisationSchemes.Run(ml, data, Results(), steps ?? 1000),
    "ptb-analyses" => PtbAnalyses.Run(ml, data, Run(), Results(), epochs: Epochs() ?? 6),
    "names-ladder" => Ladder(),
    _ when task.StartsWith("names-", StringComparison.Ordinal) => Names(NamesOptions(task["names-".Length..])),
    "ptb-gru" => Ptb(new GruOptions { EmbeddingSize = 256, HiddenSize = 256, NumberOfLayers = 2, Dropout = 0.3f }),
    "ptb-transformer" => Ptb(new TransformerOptions
    {
        Width = 256, NumberOfHeads = 4, NumberOfLayers = 2, ContextLength = 35, Dropout = 0.3f, Optimizer = OptimizerKind.Adam,
        WeightDecay = 0, Beta2 = 0.999f, LearningRateSchedule = LearningRateSchedule.Constant, WindowMode = WindowMode.Sequential,
    }),
    _ => throw new ArgumentException($"unknown task {task}"),
};
// A resumable run reports its whole training time itself; this process may have run only its last part.
result.TryAdd("wall_seconds", Math.Round(clock.Elapsed.TotalSeconds, 1));
Console.WriteLine(JsonSerializer.Serialize(result));
return 0;

Dictionary<string, object> Anna()
{
    // The char-level LSTM notebook: one-hot input, 2x512 LSTM, dropout 0.5, seq 100, batch 128, Adam 1e-3, clip 5, 10% validation.
    var text = ml.Data.LoadTextDocument(Path.Combine(data, "anna.txt"));
    var options = new LstmOptions
    {
        EmbeddingSize = 0, HiddenSize = 512, NumberOfLayers = 2, Dropout = 0.5f, SequenceLength = 100, BatchSize = 128,
        LearningRate = 1e-3f, GradientClipNorm = 5f, ValidationFraction = 0.1f, Epochs = 20, EvaluateEveryNSteps = 25,
        TimeBudget = TimeSpan.FromSeconds(seconds), MaximumSteps = steps, Device = "cpu",
    };
    using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Lstm(options)).Fit(text);
    return Summary(model.LastTransformer);
}

// makemore-size per-line models: embedding 64, hidden 64 (one layer; WaveNet: three levels over a context of 8,
// MLP: a context of 3, Transformer: 2 blocks of 4 heads); AdamW 5e-3, batch 32; 10% of the names held out as the test set.
LanguageModelTrainerOptions NamesOptions(string family) => family switch
{
    "bigram" => new BigramOptions(),
    "bigram-counts" => new BigramOptions { Smoothing = 1 },
    "mlp" => new MlpOptions { ContextLength = 3, EmbeddingSize = 64, HiddenSize = 64 },
    "wavenet" => new WaveNetOptions { ContextLength = 8, EmbeddingSize = 64, HiddenSize = 64 },
    "rnn" => new RnnOptions { EmbeddingSize = 64, HiddenSize = 64, NumberOfLayers = 1 },
    "gru" => new GruOptions { EmbeddingSize = 64, HiddenSize = 64, NumberOfLayers = 1 },
    "lstm" => new LstmOptions { EmbeddingSize = 64, HiddenSize = 64, NumberOfLayers = 1 },
    "transformer" => new TransformerOptions { Width = 64, NumberOfHeads = 4, NumberOfLayers = 2, ContextLength = 32, WeightDecay = 0.01f },
    _ => throw new ArgumentException($"unknown names family {family}"),
};

Dictionary<string, object> Names(LanguageModelTrainerOptions options, LearningCurves? curves = null, string? name = null)
{
    options.Dropout = 0f;
    options.BatchSize = 32;
    options.SequenceLength = 32;
    options.WindowMode = WindowMode.PerRow;
    options.Optimizer = OptimizerKind.AdamW;
    options.LearningRate = 5e-3f;
    options.LearningRateSchedule = LearningRateSchedule.Constant;
    options.WeightDecay = 0.01f;
    options.GradientClipNorm = 5f;
    options.ValidationFraction = 0.1f;
    options.Epochs = 1000;
    options.MaximumSteps = steps ?? 3000;
    options.EvaluateEveryNSteps = int.Parse(Arg("--eval-every") ?? "500");
    options.KeepBestWeights = false;
    options.Device = "cpu";
    var names = ml.Data.LoadTextDocument(Path.Combine(data, "names.txt"), new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow });
    using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Create(options)).Fit(names);
    var summary = Summary(model.LastTransformer);
    var samples = ml.LanguageModels().CreateGenerator(model).Generate("", 20, new GenerationOptions { MaxTokens = 30, Seed = 1 });
    summary["test_loss"] = model.LastTransformer.History.Records.Last(r => r.ValidationLoss != null).ValidationLoss!;
    summary["samples"] = samples.Select(x => $"{x.Text} ({x.Origin})").ToArray();
    curves?.Add(name!, model.LastTransformer.History);
    return summary;
}

Dictionary<string, object> Ladder()
{
    var curves = new LearningCurves();
    var rows = new Dictionary<string, object>();
    foreach (var family in new[] { "bigram", "mlp", "wavenet", "rnn", "gru", "lstm", "transformer" })
    {
        rows[family] = Names(NamesOptions(family), curves, family);
        Console.Error.WriteLine($"{family}: {JsonSerializer.Serialize(rows[family])}");
    }
    if (Arg("--plot") is { } plot)
        curves.SaveSvg(plot, title: "names.txt: test loss of the seven families at equal steps", series: CurveSeries.Validation);
    return rows;
}

Dictionary<string, object> Ptb(LanguageModelTrainerOptions options)
{
    // Word level, trained on ptb.valid.txt (the train split is not available here) and tested on ptb.test.txt.
    options.SequenceLength = 35;
    options.BatchSize = 20;
    options.LearningRate = 1e-3f;
    options.GradientClipNorm = 0.5f;
    options.ValidationFraction = 0.1f;
    options.EvaluateEveryNSteps = 100;
    options.Epochs = 1000;
    options.TimeBudget = TimeSpan.FromSeconds(seconds);
    options.MaximumSteps = steps;
    options.Device = "cpu";
    var train = ml.Data.LoadTextDocument(Path.Combine(data, "ptb.valid.txt"));
    var test = ml.Data.LoadTextDocument(Path.Combine(data, "ptb.test.txt"));
    var trainer = ml.LanguageModels().Trainers.Create(options);
    using var model = ml.Transforms.TokenizeWords(options: WordTokenizerOptions.Ptb()).Append(trainer).Fit(train);
    var summary = Summary(model.LastTransformer);
    var metrics = ml.LanguageModels().Evaluate(model, test, new EvaluationOptions { BatchSize = 10, SequenceLength = 35 });
    summary["test_perplexity"] = Math.Round(metrics.Perplexity, 2);
    summary["test_tokens"] = metrics.TokenCount;
    return summary;
}

Dictionary<string, object> Summary(LanguageModelTransformer lm) => new()
{
    ["side"] = "ours",
    ["task"] = task,
    ["parameters"] = lm.ParameterCount,
    ["vocabulary"] = lm.Vocabulary.Count,
    ["steps"] = lm.History.TotalSteps,
    ["train_seconds"] = Math.Round(lm.History.TotalSeconds, 1),
    ["best_validation_loss"] = Math.Round(lm.History.BestValidationLoss ?? double.NaN, 4),
    ["last_train_loss"] = Math.Round(lm.History.Records[^1].TrainLoss, 4),
    ["curve"] = lm.History.Records.Where(r => r.ValidationLoss != null)
        .Select(r => new[] { r.Step, Math.Round(r.ElapsedSeconds, 1), Math.Round(r.ValidationLoss!.Value, 4) }).ToArray(),
};

RunFolder Run() => new(Arg("--run") ?? throw new ArgumentException("--run DIR missing"));

// The folder of another long run beside this one's (quality/long-run.sh puts each run in /work/runs/<run>).
RunFolder Sibling(string run) => new(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Run().Path))!, run));

string Results() => ResultFiles.Directory(Arg("--results"));

int? Epochs() => Arg("--epochs") is { } e ? int.Parse(e) : null;

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
