namespace Microsoft.ML.SequenceLM.Samples;

/// <summary>
/// Per-line generation (makemore's names): each line is one sequence &lt;bos&gt; n a m e &lt;eos&gt;. A GRU learns
/// them, then 20 names are sampled from an empty prompt, each marked as seen in training or new.
/// </summary>
internal static class NamesSample
{
    public static void Run(string? dataFolder, double minutes)
    {
        var ml = new MLContext(seed: 1);
        var path = SampleData.Path("names.txt", dataFolder);
        IDataView names = ml.Data.LoadTextDocument(path, new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow });
        var known = File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToHashSet();
        Console.WriteLine($"Per-line GRU on {path} ({known.Count:N0} distinct names) for {minutes} minute(s).");

        var pipeline = ml.Transforms.TokenizeChars()
            .Append(ml.LanguageModels().Trainers.Gru(new GruOptions
            {
                WindowMode = WindowMode.PerRow,   // one name per sequence; padding carries no loss
                EmbeddingSize = 32,
                HiddenSize = 128,
                NumberOfLayers = 1,
                Dropout = 0f,
                BatchSize = 64,
                SequenceLength = 24,              // longest name kept
                LearningRate = 5e-3f,
                Epochs = 20,
                TimeBudget = TimeSpan.FromMinutes(minutes),
                ValidationFraction = 0.1f,
                Progress = SampleData.PrintProgress("chars"),
            }));
        using var model = pipeline.Fit(names);
        SampleData.PrintSummary(model.LastTransformer, "char");

        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        Console.WriteLine("\n20 names from an empty prompt:");
        int fresh = 0;
        for (int i = 1; i <= 20; i++)
        {
            string name = engine.Predict(new Prompt { Text = "", MaxTokens = 30, Seed = i }).Text;
            bool seen = known.Contains(name);
            if (!seen) fresh++;
            Console.WriteLine($"  {name,-16} {(seen ? "seen in training" : "new")}");
        }
        Console.WriteLine($"{fresh} of 20 are new.");
    }
}
