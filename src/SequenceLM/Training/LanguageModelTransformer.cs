using Microsoft.ML.SequenceLM.Models;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A trained language model: configuration, weights (libtorch tensors), vocabulary and training history.
/// As a transformer it maps prompt rows (the tokens or keys the preceding transforms produce, plus optional
/// MaxTokens/Temperature/TopK/TopP/Seed/StopStrings columns) to generated <c>Text</c> and <c>TokenCount</c> columns,
/// in batches; its row-to-row mapper serves ML.NET's <c>PredictionEngine</c> (Generation part of this class).
/// It holds libtorch tensors (native memory): dispose it (or the chain that contains it) when done.
/// </summary>
public sealed partial class LanguageModelTransformer : ITransformer, IDisposable
{
    /// <summary>Name of the generated-text output column.</summary>
    public const string OutputTextColumnName = "Text";
    /// <summary>Name of the generated-token-count output column.</summary>
    public const string OutputTokenCountColumnName = "TokenCount";
    /// <summary>Prompts generated together by <see cref="Transform"/>.</summary>
    public const int GenerationBatchSize = 32;

    private readonly LanguageModelEngine _model;
    private readonly bool _sampleUnknown;

    internal LanguageModelTransformer(LanguageModelEngine model, LanguageModelConfig config, Vocabulary vocabulary, WindowOptions windows,
        string inputColumnName, TrainingHistory history, bool sampleUnknown)
    {
        _model = model;
        Config = config;
        Vocabulary = vocabulary;
        TrainingWindows = windows.Clone();
        InputColumnName = inputColumnName;
        History = history;
        _sampleUnknown = sampleUnknown;
    }

    public LanguageModelConfig Config { get; }
    public Vocabulary Vocabulary { get; }
    /// <summary>How the training data was windowed (mode, batch size, sequence length).</summary>
    public WindowOptions TrainingWindows { get; }
    /// <summary>The column prompts arrive in: the tokens or keys column the model was trained on.</summary>
    public string InputColumnName { get; }
    public TrainingHistory History { get; }
    /// <summary>Sampling settings used where a prompt row has no column for them.</summary>
    public GenerationOptions DefaultGenerationOptions { get; set; } = new();

    public long ParameterCount => _model.ParameterCount;
    /// <summary>Where the weights live, e.g. "cpu" or "cuda:0".</summary>
    public string Device => _model.Device;

    /// <summary>Per-row models: fingerprints of the training and validation rows, for <see cref="GeneratedSample.Origin"/>.</summary>
    internal RowRegistry? TrainingRows { get; init; }

    internal LanguageModelEngine Engine => _model;

    /// <summary>The weights under PyTorch's parameter names.</summary>
    public IReadOnlyList<NamedTensor> GetWeights() => _model.ReadTensors(TensorKind.Parameters);

    /// <summary>Writes the weights as a safetensors file loadable by PyTorch (<c>safetensors.torch.load_file</c>).</summary>
    public void ExportWeights(string path) => AtomicFile.Write(path, s => SafeTensors.Write(s, GetWeights()));

    /// <summary>Logits [batch, steps, vocabulary] of a fresh forward pass over <paramref name="keys"/>.</summary>
    public float[] ComputeLogits(ReadOnlySpan<long> keys, int batch, int steps) => _model.ForwardLogits(keys, batch, steps, Config.VocabularySize);

    public void Dispose() => _model.Dispose();

    public override string ToString() =>
        $"{Config.Family} language model ({ParameterCount:N0} parameters, {Vocabulary})";
}
