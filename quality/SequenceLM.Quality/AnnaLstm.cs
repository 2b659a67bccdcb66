using Microsoft.ML.SequenceLM;

namespace Microsoft.ML.SequenceLM.Quality;

/// <summary>
/// The character-level LSTM notebook's full run on anna.txt: one-hot input, LSTM 2x512, dropout 0.5, sequence 100,
/// batch 128, Adam 1e-3, clip 5, the last 10% as validation, 20 epochs. It checkpoints into a run folder and resumes
/// from it, so the 2.6-hour run can be stopped and continued; run again after the last epoch, it only writes the report.
/// </summary>
internal static class AnnaLstm
{
    public const int Epochs = 20;
    /// <summary>The notebook's validation loss after 20 epochs (nats/char, on a GPU).</summary>
    public const double ReferenceValidationLoss = 1.2952;

    public static Dictionary<string, object> Run(MLContext ml, string data, string runDirectory, string results)
    {
        var options = new RunFolder(runDirectory).Apply(new LstmOptions
        {
            EmbeddingSize = 0, HiddenSize = 512, NumberOfLayers = 2, Dropout = 0.5f, SequenceLength = 100, BatchSize = 128,
            Optimizer = OptimizerKind.Adam, LearningRate = 1e-3f, GradientClipNorm = 5f, ValidationFraction = 0.1f, Epochs = Epochs,
            EvaluateEveryNSteps = 0, ReportEveryNSteps = 10, KeepBestWeights = false, Device = "cpu", Seed = 1,
        }, "checkpoints", checkpointEveryNSteps: 20);
        var text = ml.Data.LoadTextDocument(Path.Combine(data, "anna.txt"));
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Lstm(options)).Fit(text);
        var lm = model.LastTransformer;
        var history = lm.History;
        var curves = new LearningCurves().Add("LSTM 2x512", history);
        curves.SaveCsv(Path.Combine(runDirectory, "history.csv"));
        var validation = history.Records.Where(r => r.ValidationLoss != null).ToList();
        int epochsDone = validation.Count == 0 ? 0 : validation[^1].Epoch + 1;
        var notebook = NotebookValidationLoss(ml, model, File.ReadAllText(Path.Combine(data, "anna.txt")));
        var generator = ml.LanguageModels().CreateGenerator(model);
        string Sample(GenerationOptions o) => generator.Generate("Anna", 1, o with { MaxTokens = 500, Seed = 1, IncludePrompt = true })[0].Text;
        var figures = new Dictionary<string, object>
        {
            ["epochs"] = epochsDone,
            ["final_validation_loss"] = validation.Count == 0 ? double.NaN : Math.Round(validation[^1].ValidationLoss!.Value, 4),
            ["best_validation_loss"] = Math.Round(history.BestValidationLoss ?? double.NaN, 4),
            ["reference_validation_loss"] = ReferenceValidationLoss,
            ["notebook_measure_validation_loss"] = Math.Round(notebook, 4),
            ["wall_seconds"] = Math.Round(history.TotalSeconds, 0),
            ["steps"] = history.TotalSteps,
            ["parameters"] = lm.ParameterCount,
            ["validation_curve"] = validation.Select(r => new[] { r.Epoch + 1, Math.Round(r.ElapsedSeconds, 0), Math.Round(r.ValidationLoss!.Value, 4) }).ToArray(),
            ["sample_temperature_0.8"] = Sample(new GenerationOptions { Temperature = 0.8f }),
            ["sample_top_k_5"] = Sample(new GenerationOptions { TopK = 5 }),
        };
        ResultFiles.WriteJson(results, "anna-lstm", figures);
        ResultFiles.WritePlot(results, "anna-lstm-epochs", curves.ToSvg(CurveAxis.Epochs, "anna.txt, character LSTM 2x512: loss per epoch"));
        ResultFiles.WritePlot(results, "anna-lstm-seconds", curves.ToSvg(CurveAxis.Seconds, "anna.txt, character LSTM 2x512: loss vs wall clock"));
        return figures;
    }

    /// <summary>
    /// The validation loss as the notebook measures it: its validation text is the characters from int(0.9 N) on, but
    /// its batcher keeps whole batches of 128 x 100 only, so the last 6,523 characters (the end of the Project
    /// Gutenberg licence, which a model of the novel predicts poorly) are never scored. Our trainer scores all of them.
    /// </summary>
    private static double NotebookValidationLoss(MLContext ml, ITransformer model, string text)
    {
        const int Rows = 128, Steps = 100;
        text = text.Replace("\r\n", "\n"); // Python's text mode, which the notebook reads with
        int start = (int)(text.Length * 0.9);
        int scored = (text.Length - start) / (Rows * Steps) * Rows * Steps;
        var validation = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = text.Substring(start, scored + 1) } });
        return ml.LanguageModels().Evaluate(model, validation, new EvaluationOptions { BatchSize = Rows, SequenceLength = Steps }).CrossEntropy;
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
