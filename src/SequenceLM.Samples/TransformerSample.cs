namespace Microsoft.ML.SequenceLM.Samples;

/// <summary>
/// A small character-level decoder-only Transformer (nanoGPT style: learned positions, pre-norm, GELU, AdamW with
/// cosine schedule) on H. G. Wells' The Time Machine. Windows are drawn at random offsets (no state to carry).
/// </summary>
internal static class TransformerSample
{
    public static void Run(string? dataFolder, double minutes)
    {
        var ml = new MLContext(seed: 1);
        var path = SampleData.Path("timemachine.txt", dataFolder);
        IDataView text = ml.Data.LoadTextDocument(path);
        Console.WriteLine($"Character-level Transformer on {path} for {minutes} minute(s).");

        var pipeline = ml.Transforms.TokenizeChars()
            .Append(ml.LanguageModels().Trainers.Transformer(new TransformerOptions
            {
                Width = 128,
                NumberOfHeads = 4,
                NumberOfLayers = 4,
                ContextLength = 128,
                SequenceLength = 128,
                BatchSize = 32,
                Dropout = 0.1f,
                LearningRate = 1e-3f,
                LearningRateSchedule = LearningRateSchedule.Cosine(warmupSteps: 50),
                Epochs = 1000,
                MaximumSteps = 3000,           // the cosine schedule decays over this many steps
                TimeBudget = TimeSpan.FromMinutes(minutes),
                ValidationFraction = 0.1f,
                EvaluateEveryNSteps = 100,
                Progress = SampleData.PrintProgress("chars"),
            }));
        using var model = pipeline.Fit(text);
        SampleData.PrintSummary(model.LastTransformer, "char");

        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        var completion = engine.Predict(new Prompt { Text = "The Time Traveller ", MaxTokens = 300, Temperature = 0.8f, Seed = 1 });
        Console.WriteLine($"\n--- The Time Traveller… (temperature 0.8)\nThe Time Traveller {completion.Text}");
    }
}
