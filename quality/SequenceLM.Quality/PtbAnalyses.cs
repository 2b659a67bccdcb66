namespace Microsoft.ML.SequenceLM.Quality;

/// <summary>
/// IFT6135's analyses on Penn Treebank, word level (trained on ptb.valid.txt, its last 10% held out for validation, and
/// analysed on ptb.test.txt): an RNN, a GRU and a Transformer; (a) validation perplexity per epoch and over wall-clock
/// time, (b) the average loss at each position t = 1..35 of the test windows, (c) the norm of the gradient of the last
/// position's loss with respect to each hidden state h_t, normalised to [0, 1], RNN against GRU. Every figure comes
/// from the library's public API (History, LossByPosition, HiddenStateGradientNorms, LearningCurves, DiagnosticPlots).
/// </summary>
internal static class PtbAnalyses
{
    private const int Steps = 35;

    public static Dictionary<string, object> Run(MLContext ml, string data, RunFolder folder, string results, int epochs)
    {
        var train = ml.Data.LoadTextDocument(Path.Combine(data, "ptb.valid.txt"));
        var test = ml.Data.LoadTextDocument(Path.Combine(data, "ptb.test.txt"));
        var tokenizer = ml.Transforms.TokenizeWords(options: WordTokenizerOptions.Ptb());
        var models = new (string Name, LanguageModelTrainerOptions Options)[]
        {
            ("RNN", new RnnOptions { EmbeddingSize = 256, HiddenSize = 256, NumberOfLayers = 2, Dropout = 0.3f }),
            ("GRU", new GruOptions { EmbeddingSize = 256, HiddenSize = 256, NumberOfLayers = 2, Dropout = 0.3f }),
            ("Transformer", new TransformerOptions
            {
                Width = 256, NumberOfHeads = 4, NumberOfLayers = 2, ContextLength = Steps, Dropout = 0.3f, Optimizer = OptimizerKind.Adam,
                WeightDecay = 0, Beta2 = 0.999f, LearningRateSchedule = LearningRateSchedule.Constant, WindowMode = WindowMode.Sequential,
            }),
        };
        var curves = new LearningCurves();
        var lossByPosition = new List<(string, IReadOnlyList<double>)>();
        var gradientNorms = new List<(string, IReadOnlyList<double>)>();
        var figures = new Dictionary<string, object> { ["epochs"] = epochs };
        foreach (var (name, options) in models)
        {
            options.SequenceLength = Steps;
            options.BatchSize = 20;
            options.LearningRate = 1e-3f;
            options.GradientClipNorm = 0.5f;
            options.ValidationFraction = 0.1f;
            options.Epochs = epochs;
            options.ReportEveryNSteps = 20;
            options.Device = "cpu";
            options.Seed = 1;
            folder.Apply(options, name.ToLowerInvariant(), checkpointEveryNSteps: 50);
            var trainer = ml.LanguageModels().Trainers.Create(options);
            using var model = tokenizer.Append(trainer).Fit(train);
            var history = model.LastTransformer.History;
            curves.Add(name, history);
            var metrics = ml.LanguageModels().Evaluate(model, test, new EvaluationOptions { BatchSize = 10, SequenceLength = Steps });
            var byPosition = ml.LanguageModels().LossByPosition(model, test, new EvaluationOptions { BatchSize = 10, SequenceLength = Steps });
            lossByPosition.Add((name, byPosition));
            var result = new Dictionary<string, object>
            {
                ["parameters"] = model.LastTransformer.ParameterCount,
                ["test_perplexity"] = Math.Round(metrics.Perplexity, 2),
                ["train_seconds"] = Math.Round(history.TotalSeconds, 0),
                ["validation_curve"] = history.Records.Where(r => r.ValidationLoss != null)
                    .Select(r => new[] { r.Epoch + 1, Math.Round(r.ElapsedSeconds, 0), Math.Round(Math.Exp(r.ValidationLoss!.Value), 2) }).ToArray(),
                ["loss_by_position"] = byPosition.Select(v => Math.Round(v, 4)).ToArray(),
            };
            if (model.LastTransformer.Config.IsRecurrent)
            {
                var norms = ml.LanguageModels().HiddenStateGradientNorms(model, test, steps: Steps, windows: 64);
                gradientNorms.Add((name, norms));
                double max = norms.Max();
                result["normalised_gradient_norms"] = norms.Select(v => Math.Round(v / max, 5)).ToArray();
            }
            figures[name] = result;
        }
        ResultFiles.WriteJson(results, "ptb-analyses", figures);
        ResultFiles.WritePlot(results, "ptb-validation-epochs", curves.ToSvg(CurveAxis.Epochs,
            "Penn Treebank (trained on ptb.valid): validation perplexity per epoch", CurveMetric.Perplexity, CurveSeries.Validation));
        ResultFiles.WritePlot(results, "ptb-validation-seconds", curves.ToSvg(CurveAxis.Seconds,
            "Penn Treebank (trained on ptb.valid): validation perplexity vs wall clock", CurveMetric.Perplexity, CurveSeries.Validation));
        ResultFiles.WritePlot(results, "ptb-loss-by-position", DiagnosticPlots.LossByPosition(lossByPosition,
            "Penn Treebank test windows: average loss at each position"));
        ResultFiles.WritePlot(results, "ptb-gradient-norms", DiagnosticPlots.HiddenStateGradientNorms(gradientNorms, normalise: true,
            "Gradient of the last position's loss w.r.t. each h_t (normalised), RNN vs GRU"));
        return figures;
    }
}
