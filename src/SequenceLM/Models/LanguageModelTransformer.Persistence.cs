using System.Text.Json;
using Microsoft.ML.SequenceLM.Models;
using Microsoft.ML.SequenceLM.Trainers;

namespace Microsoft.ML.SequenceLM;

[TransformerLoader(LoaderIdValue)]
public sealed partial class LanguageModelTransformer : ISaveableTransformer
{
    internal const string LoaderIdValue = "language-model";
    private const string ConfigEntry = "config.json";
    private const string VocabularyEntry = "vocabulary.json";
    private const string SettingsEntry = "settings.json";
    private const string WeightsEntry = "weights.safetensors";
    private const string HistoryEntry = "history.json";
    private const string RowsEntry = "rows.bin";
    /// <summary>Largest dimension accepted from a model file (a bound against hostile files, far above real models).</summary>
    private const int MaxDimension = 1 << 20;

    public string LoaderId => LoaderIdValue;

    private sealed record Settings(string InputColumnName, WindowOptions Windows, GenerationOptions DefaultGeneration, bool SampleUnknown);

    public void Save(ModelSaveContext context)
    {
        context.WriteJson(ConfigEntry, Config, CheckpointStore.Json);
        context.WriteBytes(VocabularyEntry, Vocabulary.ToJsonUtf8());
        context.WriteJson(SettingsEntry, new Settings(InputColumnName, TrainingWindows, DefaultGenerationOptions, _generator.Codec.SampleUnknown), CheckpointStore.Json);
        using (var weights = context.CreateEntry(WeightsEntry, compress: false))
            SafeTensors.Write(weights, GetWeights());
        context.WriteJson(HistoryEntry, History, CheckpointStore.Json);
        if (TrainingRows is { } rows) context.WriteBytes(RowsEntry, RowFingerprints.ToBytes(rows));
    }

    internal static LanguageModelTransformer Load(ModelLoadContext context)
    {
        var config = context.ReadJson<LanguageModelConfig>(ConfigEntry, options: CheckpointStore.Json);
        var vocabulary = Vocabulary.FromJson(context.ReadBytes(VocabularyEntry, Vocabulary.MaxJsonBytes));
        var settings = context.ReadJson<Settings>(SettingsEntry, options: CheckpointStore.Json);
        var history = context.ReadJson<TrainingHistory>(HistoryEntry, 256L << 20, CheckpointStore.Json);
        CheckConfig(context, config, vocabulary);
        CheckSettings(context, settings);
        long expectedBytes = ExpectedParameterCount(config) * sizeof(float);
        long weightBytes = context.GetEntrySize(WeightsEntry);
        if (weightBytes < expectedBytes || weightBytes > expectedBytes + (64L << 20))
            throw context.Corrupt($"'{WeightsEntry}' has {weightBytes} bytes but a {config.Family} model of this configuration needs about {expectedBytes}.");
        var weights = ReadWeights(context, weightBytes);

        var model = LanguageModelEngine.Create(config.ToEngineSettings(seed: 0), "auto");
        try
        {
            model.WriteTensors(TensorKind.Parameters, weights);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            model.Dispose();
            throw context.Corrupt($"The weights do not fit the model's configuration: {e.Message}", e);
        }
        return new LanguageModelTransformer(model, config, vocabulary, settings.Windows, settings.InputColumnName, history, settings.SampleUnknown)
        {
            DefaultGenerationOptions = settings.DefaultGeneration,
            TrainingRows = context.ContainsEntry(RowsEntry)
                ? RowFingerprints.FromBytes(context.ReadBytes(RowsEntry, 512L << 20), m => context.Corrupt(m))
                : null,
        };
    }

    private static IReadOnlyList<NamedTensor> ReadWeights(ModelLoadContext context, long size)
    {
        try
        {
            return SafeTensors.Read(context.ReadBytes(WeightsEntry, size));
        }
        catch (InvalidDataException e)
        {
            throw context.Corrupt($"'{WeightsEntry}' is not valid safetensors: {e.Message}", e);
        }
    }

    private static void CheckConfig(ModelLoadContext context, LanguageModelConfig c, Vocabulary vocabulary)
    {
        void Bound(long value, long min, long max, string name)
        {
            if (value < min || value > max)
                throw context.Corrupt($"The model configuration's {name} is {value}; it must be between {min} and {max}.");
        }
        if (!Enum.IsDefined(c.Family)) throw context.Corrupt($"Unknown model family {(int)c.Family}.");
        Bound(c.VocabularySize, 2, vocabulary.Count, nameof(c.VocabularySize));
        if (c.VocabularySize != vocabulary.Count)
            throw context.Corrupt($"The configuration says {c.VocabularySize} tokens but the vocabulary has {vocabulary.Count}.");
        Bound(c.EmbeddingSize, 0, MaxDimension, nameof(c.EmbeddingSize));
        Bound(c.HiddenSize, 1, MaxDimension, nameof(c.HiddenSize));
        Bound(c.NumberOfLayers, 1, 1024, nameof(c.NumberOfLayers));
        Bound(c.IgnoreIndex, -1, c.VocabularySize - 1, nameof(c.IgnoreIndex));
        if (!(c.Dropout >= 0 && c.Dropout < 1)) throw context.Corrupt($"The model configuration's Dropout is {c.Dropout}; it must be in [0, 1).");
        if (!c.IsRecurrent)
        {
            Bound(c.NumberOfHeads, 1, c.HiddenSize, nameof(c.NumberOfHeads));
            Bound(c.ContextLength, 1, MaxDimension, nameof(c.ContextLength));
            Bound(c.FeedForwardSize, 0, 4L * MaxDimension, nameof(c.FeedForwardSize));
        }
    }

    private static void CheckSettings(ModelLoadContext context, Settings s)
    {
        if (string.IsNullOrEmpty(s.InputColumnName) || s.Windows == null || s.DefaultGeneration == null)
            throw context.Corrupt($"'{SettingsEntry}' lacks the input column, the windows or the generation defaults.");
        try
        {
            s.Windows.Validate();
            s.DefaultGeneration.Validate();
        }
        catch (ArgumentException e)
        {
            throw context.Corrupt($"'{SettingsEntry}' holds an invalid setting: {e.Message}", e);
        }
    }

    /// <summary>The number of parameters a configuration implies (checked against the file before allocating).</summary>
    internal static long ExpectedParameterCount(LanguageModelConfig c)
    {
        long v = c.VocabularySize, h = c.HiddenSize;
        long head = (c.TieWeights ? 0 : v * h) + v;
        if (c.IsRecurrent)
        {
            long gates = c.Family switch { ModelFamily.Gru => 3, ModelFamily.Lstm => 4, _ => 1 };
            long input = c.EmbeddingSize == 0 ? v : c.EmbeddingSize;
            long embedding = c.EmbeddingSize == 0 ? 0 : v * c.EmbeddingSize;
            long layers = 0;
            for (int l = 0; l < c.NumberOfLayers; l++)
                layers += gates * h * ((l == 0 ? input : h) + h + 2);
            return embedding + layers + head;
        }
        long ffn = c.FeedForwardSize > 0 ? c.FeedForwardSize : 4 * h;
        long positions = c.Positional == PositionalEncoding.Learned ? (long)c.ContextLength * h : 0;
        long block = 4 * h /* two layer norms */ + h * 3 * h + 3 * h + h * h + h + h * ffn + ffn + ffn * h + h;
        return v * h + positions + c.NumberOfLayers * block + 2 * h /* final norm */ + head;
    }
}
