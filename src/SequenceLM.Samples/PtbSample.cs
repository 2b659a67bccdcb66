namespace Microsoft.ML.SequenceLM.Samples;

/// <summary>
/// A word-level GRU on the Penn Treebank (Mikolov's preprocessing: 10k words, &lt;unk&gt;, numbers as N), trained on
/// ptb.valid.txt (the train split is not available here) and evaluated on ptb.test.txt. Each line ends with an
/// &lt;eos&gt; token, as in the literature. Perplexities are not comparable with models trained on the 887k-word train split.
/// </summary>
internal static class PtbSample
{
    public static void Run(string? dataFolder, double minutes)
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadTextDocument(SampleData.Path("ptb.valid.txt", dataFolder));
        IDataView test = ml.Data.LoadTextDocument(SampleData.Path("ptb.test.txt", dataFolder));
        Console.WriteLine($"Word-level GRU on ptb.valid.txt for {minutes} minute(s), evaluated on ptb.test.txt.");

        var tokenizer = ml.Transforms.TokenizeWords(options: WordTokenizerOptions.Ptb());
        var options = new GruOptions
        {
            EmbeddingSize = 256,
            HiddenSize = 256,
            NumberOfLayers = 2,
            TieWeights = true,                  // embedding and output layer share one matrix
            Dropout = 0.3f,
            SequenceLength = 35,
            BatchSize = 20,
            LearningRate = 2e-3f,
            Epochs = 30,
            TimeBudget = TimeSpan.FromMinutes(minutes),
            // The test set is the validation data: the library measures it (statefully, over the whole text) after
            // every epoch and at the end. It never steers training: no best-weight selection, no early stopping.
            // When ml.LanguageModels().Evaluate(model, data) is available, evaluate the test set with it instead.
            ValidationData = tokenizer.Fit(test).Transform(test),
            KeepBestWeights = false,
            Progress = SampleData.PrintProgress("words"),
        };
        using var model = tokenizer.Append(ml.LanguageModels().Trainers.Gru(options)).Fit(train);
        var lm = model.LastTransformer;
        var final = lm.History.Records.Last(r => r.ValidationLoss != null);
        Console.WriteLine($"Trained {lm}: {lm.History.TotalSteps:N0} steps in {lm.History.TotalSeconds:F0} s ({lm.History.StopReason}).");
        Console.WriteLine($"Test (ptb.test.txt): cross-entropy {final.ValidationLoss:F3} nats/word, perplexity {Math.Exp(final.ValidationLoss!.Value):F1} " +
                          $"(vocabulary {lm.Vocabulary.Count:N0} words; uniform would be {lm.Vocabulary.Count:N0}).");

        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        var completion = engine.Predict(new Prompt { Text = "the company said", MaxTokens = 30, Temperature = 0.7f, Seed = 3 });
        Console.WriteLine($"\n--- the company said… (temperature 0.7)\nthe company said{completion.Text}");
    }
}
