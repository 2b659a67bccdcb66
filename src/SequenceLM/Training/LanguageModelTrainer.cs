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
/// | Data-parallel across processes | Yes, under Open MPI's <c>mpirun</c> (<see cref="LanguageModelTrainerOptions.Distributed"/>) |
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
        var parallel = DataParallel.Start(_options);
        Prepared prepared;
        try
        {
            prepared = Prepare(input, initialModel, parallel);
        }
        catch (Exception e) when (parallel != null)
        {
            parallel.Agree(e);
            throw;
        }
        var (corpus, config, model, loop, resume) = prepared;
        try
        {
            parallel?.Agree(null);
            TrainingHistory history;
            try
            {
                // Rank 0's weights and optimizer state (initial, fine-tuned or resumed) are every process's.
                parallel?.BroadcastFromRoot(model, TensorKind.Parameters);
                parallel?.BroadcastFromRoot(model, TensorKind.OptimizerState);
                history = _options is BigramOptions { Smoothing: { } smoothing }
                    ? BigramCounting.Fit(model, config, corpus.Train, corpus.Validation, smoothing, _options)
                    : loop.Run(resume.Checkpoint, resume.Best, resume.State);
                parallel?.BroadcastFromRoot(model, TensorKind.Parameters); // the root's choice (the best weights) everywhere
            }
            catch (Exception e) when (parallel != null)
            {
                parallel.Abort(e);
                throw;
            }
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

    private sealed record Prepared(TrainingCorpus Corpus, LanguageModelConfig Config, LanguageModelEngine Model, TrainingLoop Loop, ResumePoint Resume);

    private sealed record ResumePoint(TrainingCheckpoint? Checkpoint, IReadOnlyList<NamedTensor>? Best, IReadOnlyList<NamedTensor>? State);

    /// <summary>Everything before the first step: data, model, optimizer and the checkpoint to resume from.</summary>
    private Prepared Prepare(IDataView input, LanguageModelTransformer? initialModel, DataParallel? parallel)
    {
        int seed = _options.Seed ?? _contextSeed;
        var corpus = TrainingCorpus.Create(input, _options, initialModel?.Vocabulary, seed, parallel?.Size ?? 1);
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

        // Processes x BatchSize rows per step: each process trains on its share of every global batch.
        int globalBatch = corpus.Windows.BatchSize * (parallel?.Size ?? 1);
        ITrainingBatchSource train = parallel is null
            ? corpus.Train
            : new ShardedBatchSource(corpus.Train.WithBatchSize(globalBatch), parallel.Rank, parallel.Size);

        var model = LanguageModelEngine.Create(config.ToEngineSettings((ulong)seed), _device);
        try
        {
            if (initialModel != null) model.WriteTensors(TensorKind.Parameters, initialModel.GetWeights());
            model.SetOptimizer(OptimizerConfig(_options));
            var preprocessing = corpus.Vocabulary.ToJsonUtf8();
            var resume = new ResumePoint(null, null, null);
            if (_options.ResumeFromCheckpoint is { } resumeDirectory)
            {
                resume = Resume(resumeDirectory, model, config, corpus.Vocabulary, globalBatch);
                if (parallel != null && resume.State != null) resume = resume with { State = parallel.ShareOf(resume.State) };
            }
            TrainingLoop.CheckpointWriter? write = _options.CheckpointDirectory is { } dir
                ? (checkpoint, best, state) => CheckpointStore.Write(dir, checkpoint with { GlobalBatchSize = globalBatch }, model, best, config,
                    preprocessing, state)
                : null;
            var loop = new TrainingLoop(model, _options, train, corpus.Validation, seed, stateful, write, parallel);
            return new Prepared(corpus, config, model, loop, resume);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ResumePoint Resume(string directory, LanguageModelEngine model, LanguageModelConfig config, Vocabulary vocabulary, int globalBatch)
    {
        var folder = CheckpointStore.Latest(directory);
        var savedConfig = CheckpointStore.ReadConfig(folder);
        if (savedConfig with { Dropout = config.Dropout } != config)
            throw new InvalidOperationException(
                $"The checkpoint in '{folder}' is of another model ({savedConfig}) than these options give ({config}). Resume with the options of the run that wrote it.");
        var savedVocabulary = Vocabulary.FromJson(CheckpointStore.ReadPreprocessing(folder));
        if (!TrainingCorpus.SameTokens(savedVocabulary, vocabulary))
            throw new InvalidOperationException($"The checkpoint in '{folder}' was trained with another vocabulary; resume on the same data.");
        var position = CheckpointStore.ReadState(folder);
        // The data order depends on the rows per step over all processes, not on how many processes share them.
        if (position.GlobalBatchSize > 0 && position.GlobalBatchSize != globalBatch)
            throw new DistributedTrainingException(
                $"The checkpoint in '{folder}' was written with {position.GlobalBatchSize} rows per step (processes x BatchSize); this run has {globalBatch}. " +
                $"Resume with processes x BatchSize = {position.GlobalBatchSize}: any number of processes that divides it, with BatchSize = {position.GlobalBatchSize} / processes.");
        var best = CheckpointStore.Restore(folder, model);
        return new ResumePoint(position, best, CheckpointStore.ReadTrainingState(folder));
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
