namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>A model file loaded for sampling, evaluation or inspection: the whole chain and its language model.</summary>
internal sealed class ModelFile : IDisposable
{
    private ModelFile(string path, ITransformer model, LanguageModelTransformer languageModel, IReadOnlyList<ITransformer> preprocessing)
    {
        Path = path;
        Model = model;
        LanguageModel = languageModel;
        Preprocessing = preprocessing;
    }

    public string Path { get; }

    /// <summary>The loaded chain (tokenizer … language model).</summary>
    public ITransformer Model { get; }

    public LanguageModelTransformer LanguageModel { get; }

    /// <summary>The transforms before the language model that apply at prediction time (tokenizer, key mapping).</summary>
    public IReadOnlyList<ITransformer> Preprocessing { get; }

    /// <summary>True for models trained on one sequence per line (names): an empty prompt starts a new line.</summary>
    public bool IsPerLine => LanguageModel.TrainingWindows.Mode == WindowMode.PerRow;

    public static ModelFile Load(MLContext ml, string path)
    {
        if (Directory.Exists(path)) throw new CliException($"'{path}' is a directory, not a model file.");
        if (!File.Exists(path)) throw new CliException($"model file not found: {path}");
        var model = ml.Model.LoadLanguageModel(path, out _);
        var all = Flatten(model).ToList();
        if (all.LastOrDefault() is not LanguageModelTransformer lm)
        {
            (model as IDisposable)?.Dispose();
            throw new CliException($"'{path}' is a SequenceLM model file but holds no language model (only {string.Join(", ", all.Select(t => t.GetType().Name))}).");
        }
        var preprocessing = all.Take(all.Count - 1).Where(t => t is not WindowingTransformer).ToArray();
        return new ModelFile(path, model, lm, preprocessing);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : new[] { t };

    public void Dispose() => (Model as IDisposable)?.Dispose();
}
