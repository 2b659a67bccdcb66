namespace Microsoft.ML.SequenceLM.Quality;

/// <summary>
/// Which Transformer initialisation trains faster at equal steps: GPT-2 style against PyTorch's module defaults, for a
/// small per-line Transformer (names.txt) and for a character stream (The Time Machine), same seed, data and steps.
/// </summary>
internal static class InitialisationSchemes
{
    public static Dictionary<string, object> Run(MLContext ml, string data, string results, long steps)
    {
        var names = ml.Data.LoadTextDocument(Path.Combine(data, "names.txt"), new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow });
        var stream = ml.Data.LoadTextDocument(Path.Combine(data, "timemachine.txt"));
        var figures = new Dictionary<string, object> { ["steps"] = steps };
        var curves = new LearningCurves();
        foreach (var (corpus, text, mode) in new[] { ("names (per line)", names, WindowMode.PerRow), ("timemachine (char stream)", stream, WindowMode.Random) })
            foreach (var scheme in new[] { TransformerInitialization.Gpt2, TransformerInitialization.PyTorchDefaults })
            {
                var options = new TransformerOptions
                {
                    Width = 64, NumberOfHeads = 4, NumberOfLayers = 2, SequenceLength = 32, BatchSize = 32, WindowMode = mode, Dropout = 0,
                    LearningRate = 1e-3f, MaximumSteps = steps, Epochs = 1000, EvaluateEveryNSteps = (int)Math.Max(1, steps / 10),
                    ValidationFraction = 0.1f, KeepBestWeights = false, Device = "cpu", Seed = 1, Initialization = scheme,
                };
                using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Transformer(options)).Fit(text);
                var history = model.LastTransformer.History;
                string name = $"{corpus}, {scheme}";
                curves.Add(name, history);
                figures[name] = new Dictionary<string, object>
                {
                    ["final_validation_loss"] = Math.Round(history.Records.Last(r => r.ValidationLoss != null).ValidationLoss!.Value, 4),
                    ["validation_curve"] = history.Records.Where(r => r.ValidationLoss != null)
                        .Select(r => new[] { r.Step, Math.Round(r.ValidationLoss!.Value, 4) }).ToArray(),
                    ["train_seconds"] = Math.Round(history.TotalSeconds, 1),
                };
            }
        ResultFiles.WriteJson(results, "transformer-initialisation", figures);
        ResultFiles.WritePlot(results, "transformer-initialisation", curves.ToSvg(CurveAxis.Steps,
            "Small Transformers: validation loss at equal steps, GPT-2 vs PyTorch initialisation", CurveMetric.Loss, CurveSeries.Validation));
        return figures;
    }
}
