using System.Diagnostics;

namespace Microsoft.ML.SequenceLM.Samples;

/// <summary>
/// The default sample: trains a character-level GRU on Shakespeare's sonnets (embedded, public domain) for at most a
/// minute (stopping early once validation loss turns up), printing the loss as it falls, then generates text.
/// </summary>
internal static class QuickDemo
{
    public static void Run(string? corpusPath, TimeSpan budget)
    {
        var ml = new MLContext(seed: 1);
        string corpus = corpusPath != null ? File.ReadAllText(corpusPath) : EmbeddedCorpus.Read("sonnets.txt");
        IDataView text = ml.Data.LoadFromEnumerable(new[] { new Document { Text = corpus } });
        Console.WriteLine($"Corpus: {(corpusPath ?? "embedded sonnets.txt")}, {corpus.Length:N0} characters. Device: {TorchRuntime.CudaDeviceCount switch { 0 => "cpu", _ => "cuda" }}, {TorchRuntime.Threads} threads.");

        var options = new GruOptions
        {
            EmbeddingSize = 48,
            HiddenSize = 128,
            NumberOfLayers = 2,
            Dropout = 0.1f,
            BatchSize = 32,
            SequenceLength = 64,
            LearningRate = 3e-3f,
            Epochs = 1000,
            TimeBudget = budget,
            ValidationFraction = 0.05f,
            EvaluateEveryNSteps = 100,
            EarlyStoppingPatience = 3, // the sonnets are small: stop once validation loss turns up, keep the best weights
            ReportEveryNSteps = 25,
            Progress = new Progress<TrainingProgress>(p => Console.WriteLine(
                $"  step {p.Step,5}  epoch {p.Epoch,3}  loss {p.TrainLoss:F3} nats/char" +
                (p.ValidationLoss is { } v ? $"  validation {v:F3}" : "") +
                $"  {p.TokensPerSecond,8:N0} chars/s  {p.Elapsed:mm\\:ss}")),
        };
        var clock = Stopwatch.StartNew();
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(text);
        var lm = model.LastTransformer;
        Console.WriteLine($"Trained {lm} in {clock.Elapsed.TotalSeconds:F0} s: {lm.History.StopMessage} " +
                          $"Best validation loss {lm.History.BestValidationLoss:F3} nats/char (uniform would be ln({lm.Vocabulary.Count}) = {Math.Log(lm.Vocabulary.Count):F2}).");

        var curves = Path.Combine(Path.GetTempPath(), "sequencelm-demo-curves.svg");
        new LearningCurves().Add("GRU 2x128", lm.History).SaveSvg(curves, CurveAxis.Seconds, "Quick demo: character-level GRU on the sonnets");
        Console.WriteLine($"Learning curves: {curves}");

        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        foreach (var prompt in new[] { "Shall I ", "When " })
        {
            var completion = engine.Predict(new Prompt { Text = prompt, MaxTokens = 300, Temperature = 0.8f, Seed = 42 });
            Console.WriteLine();
            Console.WriteLine($"--- {prompt.Trim()}… (temperature 0.8)");
            Console.WriteLine(prompt + completion.Text);
        }
    }

    private sealed class Document
    {
        public string Text { get; set; } = "";
    }
}
