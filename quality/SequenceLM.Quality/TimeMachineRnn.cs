namespace Microsoft.ML.SequenceLM.Quality;

/// <summary>
/// The two d2l recipes of an RNN on The Time Machine: d2l's preprocessing (ASCII letters only, lower case), the first
/// 10,000 tokens, one-hot input, one RNN layer, batch 32 x 35 steps, SGD with the gradient clipped at 1, the sequential
/// iterator with the state carried between windows; perplexity of each epoch's training loss, as d2l reports it.
/// (a) 256 hidden units, lr 0.1, 500 epochs, plus the random iterator (state reset per window) as a second curve;
/// (b) 512 hidden units, lr 0.5, 2000 epochs.
/// </summary>
internal static class TimeMachineRnn
{
    private const int Tokens = 10_000, Batch = 32, Steps = 35;

    /// <param name="epochs">The recipe's epochs unless given (a shorter check of the pipeline).</param>
    public static Dictionary<string, object> Run(MLContext ml, string data, RunFolder folder, string results, int hidden, int? epochs = null)
    {
        var (lr, recipeEpochs, reference, run) = hidden == 256 ? (0.1f, 500, 5.0, "timemachine-rnn256") : (0.5f, 2000, 1.02, "timemachine-rnn512");
        int epochCount = epochs ?? recipeEpochs;
        var text = ml.Data.LoadTextDocument(Path.Combine(data, "timemachine.txt"));
        var tokenizer = ml.Transforms.TokenizeChars(options: CharTokenizerOptions.D2lLettersOnly());
        var sequential = Train(ml, text, tokenizer, folder, hidden, lr, epochCount, WindowMode.Sequential);
        var figures = Figures(ml, sequential, epochCount, reference);
        var curves = new LearningCurves().Add($"RNN {hidden}, sequential", sequential.LastTransformer.History);
        if (hidden == 256)
        {
            using var random = Train(ml, text, tokenizer, folder, hidden, lr, epochCount, WindowMode.Random);
            figures["random_iterator"] = Figures(ml, random, epochCount, reference);
            curves.Add($"RNN {hidden}, random", random.LastTransformer.History);
        }
        sequential.Dispose();
        ResultFiles.WriteJson(results, run, figures);
        ResultFiles.WritePlot(results, run, curves.ToSvg(CurveAxis.Epochs,
            $"The Time Machine (d2l), RNN {hidden}, SGD lr {lr}: training perplexity per epoch", CurveMetric.Perplexity, CurveSeries.Train));
        return figures;
    }

    /// <summary>
    /// One plot of both recipes' perplexity per epoch ((a) sequential and random, (b) sequential), from their finished
    /// run folders: resuming a finished training only reloads its history.
    /// </summary>
    public static Dictionary<string, object> PlotBoth(MLContext ml, string data, RunFolder rnn256, RunFolder rnn512, string results)
    {
        var text = ml.Data.LoadTextDocument(Path.Combine(data, "timemachine.txt"));
        var tokenizer = ml.Transforms.TokenizeChars(options: CharTokenizerOptions.D2lLettersOnly());
        var curves = new LearningCurves();
        var epochs = new Dictionary<string, object>();
        foreach (var (folder, hidden, lr, count, mode) in new[]
                 {
                     (rnn256, 256, 0.1f, 500, WindowMode.Sequential), (rnn256, 256, 0.1f, 500, WindowMode.Random),
                     (rnn512, 512, 0.5f, 2000, WindowMode.Sequential),
                 })
        {
            string name = $"({(hidden == 256 ? "a" : "b")}) RNN {hidden}, lr {lr}, {mode.ToString().ToLowerInvariant()}";
            using var model = Train(ml, text, tokenizer, folder, hidden, lr, count, mode);
            var history = model.LastTransformer.History;
            if (history.Records.Count == 0 || history.Records[^1].Epoch + 1 < count)
                throw new InvalidOperationException($"{name} has not finished its {count} epochs in {folder.Path}: run it first (quality/long-run.sh).");
            curves.Add(name, history);
            epochs[name] = history.Records[^1].Epoch + 1;
        }
        ResultFiles.WritePlot(results, "timemachine", curves.ToSvg(CurveAxis.Epochs,
            "The Time Machine (d2l): training perplexity per epoch, both recipes", CurveMetric.Perplexity, CurveSeries.Train));
        return epochs;
    }

    private static TransformerChain<LanguageModelTransformer> Train(MLContext ml, IDataView text, IEstimator<ITransformer> tokenizer,
        RunFolder folder, int hidden, float lr, int epochs, WindowMode mode)
    {
        var options = new RnnOptions
        {
            EmbeddingSize = 0, HiddenSize = hidden, NumberOfLayers = 1, Dropout = 0, BatchSize = Batch, SequenceLength = Steps,
            WindowMode = mode, Stateful = mode == WindowMode.Sequential, Optimizer = OptimizerKind.Sgd, LearningRate = lr,
            GradientClipNorm = 1, ValidationFraction = 0, MaximumTrainingTokens = Tokens, Epochs = epochs, Device = "cpu", Seed = 1,
        };
        // One record per epoch, as d2l prints: the epoch's mean training loss. The probe counts an epoch's windows.
        var probe = new RnnOptions
        {
            EmbeddingSize = 0, HiddenSize = 1, NumberOfLayers = 1, BatchSize = Batch, SequenceLength = Steps, WindowMode = mode,
            ValidationFraction = 0, MaximumTrainingTokens = Tokens, Epochs = 1, Device = "cpu",
        };
        using (var counted = tokenizer.Append(ml.LanguageModels().Trainers.Rnn(probe)).Fit(text))
            options.ReportEveryNSteps = (int)counted.LastTransformer.History.TotalSteps;
        folder.Apply(options, $"rnn{hidden}-{mode.ToString().ToLowerInvariant()}", checkpointEveryNSteps: 400);
        return tokenizer.Append(ml.LanguageModels().Trainers.Rnn(options)).Fit(text);
    }

    private static Dictionary<string, object> Figures(MLContext ml, TransformerChain<LanguageModelTransformer> model, int epochs, double reference)
    {
        var history = model.LastTransformer.History;
        var generator = ml.LanguageModels().CreateGenerator(model);
        string Predict(string prompt) => generator.Generate(prompt, 1, new GenerationOptions { MaxTokens = 50, Temperature = 0, IncludePrompt = true })[0].Text;
        var last = history.Records[^1];
        return new Dictionary<string, object>
        {
            ["epochs"] = last.Epoch + 1,
            ["planned_epochs"] = epochs,
            ["perplexity"] = Math.Round(Math.Exp(last.TrainLoss), 3),
            ["reference_perplexity"] = reference,
            ["tokens_per_s"] = Math.Round(history.TotalSteps * (double)Batch * Steps / history.TotalSeconds, 0),
            ["wall_seconds"] = Math.Round(history.TotalSeconds, 0),
            ["steps"] = history.TotalSteps,
            ["perplexity_per_epoch"] = history.Records.Select(r => Math.Round(Math.Exp(r.TrainLoss), 3)).ToArray(),
            ["predict_time_traveller"] = Predict("time traveller"),
            ["predict_traveller"] = Predict("traveller"),
        };
    }
}
