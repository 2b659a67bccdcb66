using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Microsoft.ML.SequenceLM.Tests.SaveVictim;

/// <summary>
/// A trained pipeline (TokenizeChars, then a GRU) saved with ML.NET's <c>ml.Model.Save</c> in one process and loaded with
/// plain <c>ml.Model.Load</c> in another; both modes print the same facts, which the test compares.
/// </summary>
public static class LanguageModelZipScenarios
{
    public const string LogitsText = "the cat sat on the mat";

    public static int Save(string path)
    {
        var ml = new MLContext(seed: 1);
        var text = Scenarios.Text(ml, repeats: 10);
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(new GruOptions
        {
            EmbeddingSize = 16, HiddenSize = 48, NumberOfLayers = 1, BatchSize = 4, SequenceLength = 16, MaximumSteps = 40,
            LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0.1f, EvaluateEveryNSteps = 20, Device = "cpu",
        })).Fit(text);
        ml.Model.Save(model, text.Schema, path);
        Print(ml, model);
        return 0;
    }

    public static int Load(string path)
    {
        var ml = new MLContext(seed: 2);
        var model = ml.Model.Load(path, out var schema);
        Console.WriteLine($"schema {string.Join(",", schema.Select(c => $"{c.Name}:{c.Type}"))}");
        Print(ml, model);
        (model as IDisposable)?.Dispose();
        return 0;
    }

    private static void Print(MLContext ml, ITransformer model)
    {
        var parts = ((IEnumerable<ITransformer>)model).ToList();
        Console.WriteLine($"parts {string.Join(",", parts.Select(p => p.GetType().FullName))}");
        var lm = parts.OfType<LanguageModelTransformer>().Single();
        var keys = lm.Vocabulary.Encode(LogitsText.Select(c => c.ToString()));
        var logits = lm.ComputeLogits(keys, 1, keys.Length);
        Console.WriteLine($"logits {Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(logits.AsSpan())))}");
        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(model);
        Console.WriteLine($"greedy {JsonSerializer.Serialize(engine.Predict(new Prompt { Text = "the d", MaxTokens = 30, Temperature = 0 }).Text)}");
        Console.WriteLine($"vocabulary {JsonSerializer.Serialize(lm.Vocabulary.Tokens)}");
        Console.WriteLine($"history {Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(lm.History.Records)))} {lm.History.Records.Count}");
        Console.WriteLine($"config {JsonSerializer.Serialize(lm.Config)}");
    }
}
