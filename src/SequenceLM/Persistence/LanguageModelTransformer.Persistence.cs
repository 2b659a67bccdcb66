using System.Text.Json;
using Microsoft.ML.Runtime;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Models;
using Microsoft.ML.SequenceLM.Persistence;
using Microsoft.ML.SequenceLM.Trainers;

[assembly: LoadableClass(typeof(LanguageModelTransformer), null, typeof(SignatureLoadModel), "Language model", LanguageModelTransformer.LoaderSignature)]

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Save and load in ML.NET's model zip: configuration, vocabulary, settings and history as JSON entries, the weights
/// as safetensors under PyTorch's parameter names, and (per-row models) the fingerprints of the training rows.
/// </summary>
public sealed partial class LanguageModelTransformer
{
    internal const string LoaderSignature = "SlmLanguageModel";

    internal static readonly ComponentFormat Format = new("SLMLMODL", LoaderSignature, typeof(LanguageModelTransformer),
        writtenVersion: 0x00010001, readableVersion: 0x00010001, oldestReadableVersion: 0x00010001);

    private const string ConfigEntry = "config.json";
    private const string SettingsEntry = "settings.json";
    private const string WeightsEntry = "weights.safetensors";
    private const string HistoryEntry = "history.json";
    private const string RowsEntry = "rows.bin";
    /// <summary>Largest dimension accepted from a model file (a bound against hostile files, far above real models).</summary>
    private const int MaxDimension = 1 << 20;

    private sealed record Settings(string InputColumnName, WindowOptions Windows, GenerationOptions DefaultGeneration, bool SampleUnknown);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        var writer = ComponentWriter.Begin(ctx, Format);
        writer.SaveBytes(ConfigEntry, JsonSerializer.SerializeToUtf8Bytes(Config, CheckpointStore.Json));
        VocabularyEntry.Write(writer, Vocabulary);
        writer.SaveBytes(SettingsEntry, JsonSerializer.SerializeToUtf8Bytes(
            new Settings(InputColumnName, TrainingWindows, DefaultGenerationOptions, _sampleUnknown), CheckpointStore.Json));
        writer.SaveSafeTensors(WeightsEntry, GetWeights());
        writer.SaveBytes(HistoryEntry, JsonSerializer.SerializeToUtf8Bytes(History, CheckpointStore.Json));
        if (TrainingRows is { } rows) writer.SaveBytes(RowsEntry, RowFingerprints.ToBytes(rows));
    }

    private static LanguageModelTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        var reader = ComponentReader.Begin(ctx, Format);
        var config = ReadJson<LanguageModelConfig>(reader, ConfigEntry, 1 << 20);
        var vocabulary = VocabularyEntry.Read(reader);
        var settings = ReadJson<Settings>(reader, SettingsEntry, 1 << 20);
        var history = ReadJson<TrainingHistory>(reader, HistoryEntry, 256L << 20);
        CheckConfig(config, vocabulary);
        CheckSettings(settings);
        long expectedBytes = ExpectedParameterCount(config) * sizeof(float);
        var weights = reader.LoadSafeTensors(WeightsEntry, maxBytes: expectedBytes + (64L << 20));
        var rows = reader.HasEntry(RowsEntry)
            ? RowFingerprints.FromBytes(reader.LoadBytes(RowsEntry, 512L << 20), m => ModelFileErrors.Corrupt($"The model entry '{RowsEntry}' is damaged: {m}"))
            : null;

        var model = LanguageModelEngine.Create(config.ToEngineSettings(seed: 0), TrainerDevice.Auto);
        try
        {
            model.WriteTensors(TensorKind.Parameters, weights);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            model.Dispose();
            throw ModelFileErrors.Corrupt($"The weights do not fit the model's configuration: {e.Message}", e);
        }
        return new LanguageModelTransformer(model, config, vocabulary, settings.Windows, settings.InputColumnName, history, settings.SampleUnknown)
        {
            DefaultGenerationOptions = settings.DefaultGeneration,
            TrainingRows = rows,
        };
    }

    private static T ReadJson<T>(ComponentReader reader, string name, long maxBytes)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(reader.LoadBytes(name, maxBytes), CheckpointStore.Json)
                   ?? throw ModelFileErrors.Corrupt($"The model entry '{name}' holds JSON null.");
        }
        catch (JsonException e)
        {
            throw ModelFileErrors.Corrupt($"The model entry '{name}' is not the JSON expected: {e.Message}", e);
        }
    }

    private static void CheckConfig(LanguageModelConfig c, Vocabulary vocabulary)
    {
        static void Bound(long value, long min, long max, string name)
        {
            if (value < min || value > max)
                throw ModelFileErrors.Corrupt($"The model configuration's {name} is {value}; it must be between {min} and {max}.");
        }
        if (!Enum.IsDefined(c.Family)) throw ModelFileErrors.Corrupt($"Unknown model family {(int)c.Family}.");
        Bound(c.VocabularySize, 2, vocabulary.Count, nameof(c.VocabularySize));
        if (c.VocabularySize != vocabulary.Count)
            throw ModelFileErrors.Corrupt($"The configuration says {c.VocabularySize} tokens but the vocabulary has {vocabulary.Count}.");
        Bound(c.EmbeddingSize, 0, MaxDimension, nameof(c.EmbeddingSize));
        Bound(c.HiddenSize, 1, MaxDimension, nameof(c.HiddenSize));
        Bound(c.NumberOfLayers, 1, 1024, nameof(c.NumberOfLayers));
        Bound(c.IgnoreIndex, -1, c.VocabularySize - 1, nameof(c.IgnoreIndex));
        if (!(c.Dropout >= 0 && c.Dropout < 1)) throw ModelFileErrors.Corrupt($"The model configuration's Dropout is {c.Dropout}; it must be in [0, 1).");
        if (!c.IsRecurrent) Bound(c.ContextLength, 1, MaxDimension, nameof(c.ContextLength));
        if (c.Family == ModelFamily.Transformer)
        {
            Bound(c.NumberOfHeads, 1, c.HiddenSize, nameof(c.NumberOfHeads));
            Bound(c.FeedForwardSize, 0, 4L * MaxDimension, nameof(c.FeedForwardSize));
            if (!Enum.IsDefined(c.Initialization) || !Enum.IsDefined(c.Gelu))
                throw ModelFileErrors.Corrupt($"Unknown Transformer initialisation {(int)c.Initialization} or GELU {(int)c.Gelu}.");
        }
    }

    private static void CheckSettings(Settings s)
    {
        if (string.IsNullOrEmpty(s.InputColumnName) || s.Windows == null || s.DefaultGeneration == null)
            throw ModelFileErrors.Corrupt($"The model entry '{SettingsEntry}' lacks the input column, the windows or the generation defaults.");
        try
        {
            s.Windows.Validate();
            s.DefaultGeneration.Validate();
        }
        catch (ArgumentException e)
        {
            throw ModelFileErrors.Corrupt($"The model entry '{SettingsEntry}' holds an invalid setting: {e.Message}", e);
        }
    }

    /// <summary>The number of values a configuration's weights file holds (checked against the file before allocating).</summary>
    internal static long ExpectedParameterCount(LanguageModelConfig c)
    {
        long v = c.VocabularySize, h = c.HiddenSize;
        long head = (c.TieWeights ? 0 : v * h) + (c.Bias ? v : 0);
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
        long e = c.EmbeddingSize, context = c.ContextLength;
        switch (c.Family)
        {
            case ModelFamily.Bigram:
                return v * v;
            case ModelFamily.Mlp:
                return v * e + (context * e + 1) * h + (c.NumberOfLayers - 1) * (h + 1) * h + v * h + v;
            case ModelFamily.WaveNet: // each level: fuse weight, and weight, bias, running mean and variance of its norm
                return v * e + 2 * e * h + (c.NumberOfLayers - 1) * 2 * h * h + c.NumberOfLayers * 4 * h + v * h + v;
        }
        long ffn = c.FeedForwardSize > 0 ? c.FeedForwardSize : 4 * h;
        long positions = c.Positional == PositionalEncoding.Learned ? (long)c.ContextLength * h : 0;
        long block = 2 * h /* two layer norms */ + h * 3 * h + h * h + h * ffn + ffn * h;
        long blockBiases = 2 * h /* layer norms */ + 3 * h + h + ffn + h;
        long norm = h;
        if (c.Bias)
        {
            block += blockBiases;
            norm += h;
        }
        return v * h + positions + c.NumberOfLayers * block + norm /* final norm */ + head;
    }
}
