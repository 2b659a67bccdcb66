using Microsoft.ML.SequenceLM.Models;
using Microsoft.ML.SequenceLM.Trainers;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Trains a language model (the family its options name) and returns a <see cref="LanguageModelTransformer"/>.
/// Accepts windowed data (from <c>Window</c>), a key column (from <c>MapTokensToKeys</c>, or ML.NET's
/// <c>MapValueToKey</c>), or a token column, in which case it builds the vocabulary and windows itself with defaults
/// for its model type (the short form). Created by <c>ml.LanguageModels().Trainers</c>.
/// </summary>
/// <remarks>
/// | Characteristic | Value |
/// |---|---|
/// | Machine learning task | Language modelling (next-token prediction) |
/// | Is normalization required? | No |
/// | Is caching required? | No (the token keys are read once and kept) |
/// | Input column data type | Vector of text (tokens) or vector of keys with a <c>KeyValues</c> vocabulary |
/// | Output columns | <c>Text</c> (generated text), <c>TokenCount</c> (<see cref="int"/>) |
/// | Required NuGet in addition to Microsoft.ML | Microsoft.ML.SequenceLM |
/// | Exportable to ONNX | No |
/// </remarks>
public sealed class LanguageModelTrainer : IEstimator<LanguageModelTransformer>
{
    private readonly LanguageModelTrainerOptions _options;
    private readonly int _contextSeed;
    private readonly string _device;

    internal LanguageModelTrainer(LanguageModelTrainerOptions options, int contextSeed, string device)
    {
        _options = options;
        _contextSeed = contextSeed;
        _device = device;
    }

    /// <summary>The options this trainer was created with.</summary>
    public LanguageModelTrainerOptions Options => _options;

    public LanguageModelTransformer Fit(IDataView input) => Fit(input, initialModel: null);

    /// <summary>
    /// Trains further from <paramref name="initialModel"/> (fine-tuning): its vocabulary and architecture are kept,
    /// tokens it does not know map to &lt;unk&gt;, and its weights are the starting point. The initial model is not changed.
    /// </summary>
    public LanguageModelTransformer Fit(IDataView input, LanguageModelTransformer? initialModel)
    {
        ArgumentNullException.ThrowIfNull(input);
        _options.Validate();
        int seed = _options.Seed ?? _contextSeed;
        var corpus = TrainingCorpus.Create(input, _options, initialModel?.Vocabulary, seed);
        var config = initialModel != null
            ? initialModel.Config with { Dropout = _options.Dropout }
            : ModelConfigFactory.Create(_options, corpus.Vocabulary, corpus.Windows);
        if (config.VocabularySize < 2)
            throw new InvalidCorpusException(
                $"The vocabulary has {config.VocabularySize} token(s); a language model needs at least 2. The corpus is too uniform or MinimumTokenCount too high.");
        if (initialModel == null && corpus.Windows.Mode != WindowMode.PerRow && corpus.Train.DistinctTokens(2) is [var only])
            throw new InvalidCorpusException(
                $"The training text has only one distinct token ('{corpus.Vocabulary.GetToken(only)}', repeated {corpus.Train.TokenCount} times): " +
                "there is nothing to predict. A language model needs at least 2 different tokens; train on a more varied corpus.",
                corpus.Train.TokenCount);
        bool stateful = _options is RecurrentOptions { Stateful: true } && corpus.Windows.Mode == WindowMode.Sequential;

        var model = LanguageModelEngine.Create(config.ToEngineSettings((ulong)seed), _device);
        try
        {
            if (initialModel != null) model.WriteTensors(TensorKind.Parameters, initialModel.GetWeights());
            model.SetOptimizer(OptimizerConfig(_options));
            var preprocessing = corpus.Vocabulary.ToJsonUtf8();
            TrainingCheckpoint? resume = null;
            IReadOnlyList<NamedTensor>? resumeBest = null, resumeState = null;
            if (_options.ResumeFromCheckpoint is { } resumeDirectory)
                (resume, resumeBest, resumeState) = Resume(resumeDirectory, model, config, corpus.Vocabulary);
            Func<TrainingCheckpoint, IReadOnlyList<NamedTensor>?, Task>? write = _options.CheckpointDirectory is { } dir
                ? (checkpoint, best) =>
                {
                    CheckpointStore.Write(dir, checkpoint, model, best, config, preprocessing, stateful);
                    return Task.CompletedTask;
                }
                : null;
            var loop = new TrainingLoop(model, _options, corpus.Train, corpus.Validation, seed, stateful, write);
            var history = loop.Run(resume, resumeBest, resumeState);
            return new LanguageModelTransformer(model, config, corpus.Vocabulary, corpus.Windows, corpus.PredictionColumnName, history,
                sampleUnknown: corpus.Train.Contains(corpus.Vocabulary.UnknownKey))
            {
                TrainingRows = corpus.Rows,
            };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static (TrainingCheckpoint, IReadOnlyList<NamedTensor>?, IReadOnlyList<NamedTensor>?) Resume(string directory, LanguageModelEngine model, LanguageModelConfig config,
        Vocabulary vocabulary)
    {
        var folder = CheckpointStore.Latest(directory);
        var savedConfig = CheckpointStore.ReadConfig(folder);
        if (savedConfig with { Dropout = config.Dropout } != config)
            throw new InvalidOperationException(
                $"The checkpoint in '{folder}' is of another model ({savedConfig}) than these options give ({config}). Resume with the options of the run that wrote it.");
        var savedVocabulary = Vocabulary.FromJson(CheckpointStore.ReadPreprocessing(folder));
        if (!TrainingCorpus.SameTokens(savedVocabulary, vocabulary))
            throw new InvalidOperationException($"The checkpoint in '{folder}' was trained with another vocabulary; resume on the same data.");
        var best = CheckpointStore.Restore(folder, model);
        return (CheckpointStore.ReadState(folder), best, CheckpointStore.ReadTrainingState(folder));
    }

    private static OptimizerSettings OptimizerConfig(LanguageModelTrainerOptions o) => new()
    {
        Type = o.Optimizer switch { OptimizerKind.Sgd => 0, OptimizerKind.Adam => 1, _ => 2 },
        Momentum = o.Momentum,
        Beta1 = o.Beta1,
        Beta2 = o.Beta2,
        Eps = o.Epsilon,
        WeightDecay = o.WeightDecay,
        DecayAll = o.DecayAllParameters,
    };

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.TryFind(WindowedData.InputColumnName, out _))
            inputSchema.RequireColumn(_options.InputColumnName, SchemaChecks.TokensOrKeysType, SchemaChecks.IsTokensOrKeys);
        return inputSchema.With(
            ShapeColumns.Scalar(LanguageModelTransformer.OutputTextColumnName, TextDataViewType.Instance),
            ShapeColumns.Scalar(LanguageModelTransformer.OutputTokenCountColumnName, NumberDataViewType.Int32));
    }
}
