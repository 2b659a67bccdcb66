namespace Microsoft.ML.SequenceLM.Samples;

/// <summary>
/// The classic character-level LSTM on Anna Karenina: 2 layers of 512, sequences of 100 characters, batches of 128,
/// Adam 1e-3, dropout 0.5, gradient clipping 5, 10% validation (reference: validation loss 1.30 nats/char after
/// 20 epochs). Stateful: each batch continues the previous one, so the hidden state carries across windows.
/// </summary>
internal static class AnnaSample
{
    public static void Run(string? dataFolder, double minutes)
    {
        var ml = new MLContext(seed: 1);
        var path = SampleData.Path("anna.txt", dataFolder);
        IDataView text = ml.Data.LoadTextDocument(path);
        Console.WriteLine($"Character-level LSTM 2x512 on {path} for {minutes} minute(s).");

        var pipeline = ml.Transforms.TokenizeChars()
            .Append(ml.LanguageModels().Trainers.Lstm(new LstmOptions
            {
                EmbeddingSize = 0,              // one-hot characters, as in the original notebook
                HiddenSize = 512,
                NumberOfLayers = 2,
                Dropout = 0.5f,
                SequenceLength = 100,
                BatchSize = 128,
                LearningRate = 1e-3f,
                GradientClipNorm = 5,
                Epochs = 20,
                TimeBudget = TimeSpan.FromMinutes(minutes),
                ValidationFraction = 0.1f,
                EvaluateEveryNSteps = 50,
                MaximumValidationBatches = 10,  // each validation reads 10 batches (128k characters) of the held-out 10%
                Progress = SampleData.PrintProgress("chars"),
            }));
        using var model = pipeline.Fit(text);
        SampleData.PrintSummary(model.LastTransformer, "char");

        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        var completion = engine.Predict(new Prompt { Text = "Anna", MaxTokens = 400, Temperature = 0.8f, TopK = 5, Seed = 1 });
        Console.WriteLine($"\n--- Anna… (temperature 0.8, top-k 5)\nAnna{completion.Text}");
    }
}
