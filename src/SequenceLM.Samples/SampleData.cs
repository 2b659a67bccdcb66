using System.Diagnostics;

namespace Microsoft.ML.SequenceLM.Samples;

/// <summary>Finds the shared corpora and prints training progress: what every sample needs.</summary>
internal static class SampleData
{
    /// <summary>
    /// The full path of a corpus: in the folder given with --data, else in ../shared/data next to the repository root
    /// (the folder holding Microsoft.ML.SequenceLM.sln, found upwards from the program), as the tests do.
    /// </summary>
    public static string Path(string file, string? dataFolder)
    {
        string folder = dataFolder ?? DefaultFolder()
            ?? throw new DirectoryNotFoundException("Cannot find the data folder (../shared/data beside the repository); pass --data FOLDER.");
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, file));
        if (!File.Exists(path)) throw new FileNotFoundException($"Corpus '{file}' not found at {path}; pass --data FOLDER.", path);
        return path;
    }

    private static string? DefaultFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Microsoft.ML.SequenceLM.sln")))
                return System.IO.Path.Combine(dir.FullName, "..", "shared", "data");
        return null;
    }

    /// <summary>Prints a line per validation and otherwise one every <paramref name="seconds"/> seconds.</summary>
    public static IProgress<TrainingProgress> PrintProgress(string unit, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        double last = double.NegativeInfinity;
        return new SyncProgress(p =>
        {
            if (p.ValidationLoss is null && clock.Elapsed.TotalSeconds - last < seconds) return;
            last = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  step {p.Step,6}  epoch {p.Epoch + 1,3}  loss {p.TrainLoss:F3}" +
                              (p.ValidationLoss is { } v ? $"  validation {v:F3} (perplexity {Math.Exp(v):F1})" : "") +
                              $"  {p.TokensPerSecond,8:N0} {unit}/s  {p.Elapsed:mm\\:ss}");
        });
    }

    /// <summary>Reports on the training thread, in order (System.Progress would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>One line about a finished training run.</summary>
    public static void PrintSummary(LanguageModelTransformer lm, string unit)
    {
        var h = lm.History;
        Console.WriteLine($"Trained {lm}: {h.TotalSteps:N0} steps in {h.TotalSeconds:F0} s ({h.StopReason}). " +
                          (h.BestValidationLoss is { } best
                              ? $"Best validation loss {best:F3} nats/{unit} (perplexity {Math.Exp(best):F2}, uniform would be {lm.Vocabulary.Count})."
                              : ""));
    }
}
