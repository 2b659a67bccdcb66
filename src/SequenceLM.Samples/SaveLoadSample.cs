namespace Microsoft.ML.SequenceLM.Samples;

/// <summary>
/// Saving and loading: trains a tiny model, saves the whole pipeline (tokenizer, vocabulary, weights, history) to one
/// zip, loads it back and shows that the same prompt and seed give the same text from both.
/// </summary>
internal static class SaveLoadSample
{
    public static void Run(double seconds)
    {
        var ml = new MLContext(seed: 1);
        string corpus = string.Concat(Enumerable.Repeat("the cat sat on the mat. the dog sat on the log. ", 50));
        IDataView text = ml.Data.LoadFromEnumerable(new[] { new Document { Text = corpus } });

        using var model = ml.Transforms.TokenizeChars()
            .Append(ml.LanguageModels().Trainers.Gru(new GruOptions
            {
                EmbeddingSize = 16, HiddenSize = 64, NumberOfLayers = 1, BatchSize = 8, SequenceLength = 32,
                LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0f, Epochs = 1000, TimeBudget = TimeSpan.FromSeconds(seconds),
            }))
            .Fit(text);
        Console.WriteLine($"Trained {model.LastTransformer} for {model.LastTransformer.History.TotalSteps} steps.");

        string path = Path.Combine(Path.GetTempPath(), $"sequencelm-save-load-{Environment.ProcessId}.zip");
        try
        {
            ml.Model.Save(model, text.Schema, path);
            Console.WriteLine($"Saved {path} ({new FileInfo(path).Length:N0} bytes).");
            using var loaded = (TransformerChain<ITransformer>)ml.Model.Load(path, out var schema);
            Console.WriteLine($"Loaded {loaded.LastTransformer}; input columns: {string.Join(", ", schema.Select(c => c.Name))}.");

            var prompt = new Prompt { Text = "the ", MaxTokens = 60, Temperature = 1f, Seed = 42 };
            string before = ml.Model.CreatePredictionEngine<Prompt, Completion>(model).Predict(prompt).Text;
            string after = ml.Model.CreatePredictionEngine<Prompt, Completion>(loaded).Predict(prompt).Text;
            Console.WriteLine($"original: the {before}");
            Console.WriteLine($"loaded:   the {after}");
            Console.WriteLine(before == after ? "Identical: same prompt, same seed, same text." : "DIFFERENT: the loaded model does not reproduce the original.");
            if (before != after) throw new InvalidOperationException("The loaded model generated different text.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Document
    {
        public string Text { get; set; } = "";
    }
}
