using System.Text.Json;
using Microsoft.ML.SequenceLM.Models;

namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>
/// Checkpoints in a folder: each one is written completely into its own sub-folder, then the small file
/// <c>latest</c> is atomically replaced to point at it, so a crash mid-write leaves the previous checkpoint usable.
/// </summary>
internal static class CheckpointStore
{
    private const string LatestFile = "latest";
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(string directory, TrainingCheckpoint checkpoint, LanguageModelEngine model, IReadOnlyList<NamedTensor>? best,
        LanguageModelConfig config, byte[] preprocessing, IReadOnlyList<NamedTensor>? trainingState)
    {
        Directory.CreateDirectory(directory);
        var name = $"step-{checkpoint.Step:D9}";
        var folder = Path.Combine(directory, name);
        var staging = folder + ".partial";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        WriteFile(Path.Combine(staging, "checkpoint.json"), JsonSerializer.SerializeToUtf8Bytes(checkpoint with { }, Json));
        WriteFile(Path.Combine(staging, "config.json"), JsonSerializer.SerializeToUtf8Bytes(config, Json));
        WriteFile(Path.Combine(staging, "preprocessing.bin"), preprocessing);
        WriteFile(Path.Combine(staging, "weights.safetensors"), SafeTensors.ToBytes(model.ReadTensors(TensorKind.Parameters)));
        var optimizer = model.ReadTensors(TensorKind.OptimizerState);
        WriteFile(Path.Combine(staging, "optimizer.safetensors"), SafeTensors.ToBytes(optimizer,
            new Dictionary<string, string> { ["steps"] = model.OptimizerSteps.ToString() }));
        if (best != null) WriteFile(Path.Combine(staging, "best.safetensors"), SafeTensors.ToBytes(best));
        // Mid-epoch, stateful training carries a hidden state into the next window: it is part of the position.
        if (trainingState != null) WriteFile(Path.Combine(staging, "state.safetensors"), SafeTensors.ToBytes(trainingState));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(staging, folder);
        AtomicFile.WriteAllBytes(Path.Combine(directory, LatestFile), System.Text.Encoding.UTF8.GetBytes(name));
        foreach (var old in Directory.GetDirectories(directory, "step-*"))
            if (Path.GetFileName(old) != name) TryDelete(old);
    }

    /// <summary>The newest complete checkpoint folder, or a clear error when there is none.</summary>
    public static string Latest(string directory)
    {
        var pointer = Path.Combine(directory, LatestFile);
        if (!File.Exists(pointer))
            throw new FileNotFoundException(
                $"No checkpoint in '{directory}' (the file '{LatestFile}' is missing). Set CheckpointDirectory on a first run to write one.", pointer);
        var name = File.ReadAllText(pointer).Trim();
        if (!name.StartsWith("step-", StringComparison.Ordinal) || name.Contains('/') || name.Contains(".."))
            throw new InvalidDataException($"The checkpoint pointer '{pointer}' is corrupt ('{name}').");
        return Path.Combine(directory, name);
    }

    public static TrainingCheckpoint ReadState(string folder) =>
        JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllBytes(Path.Combine(folder, "checkpoint.json")), Json)
        ?? throw new InvalidDataException($"'{folder}/checkpoint.json' is empty.");

    public static LanguageModelConfig ReadConfig(string folder) =>
        JsonSerializer.Deserialize<LanguageModelConfig>(File.ReadAllBytes(Path.Combine(folder, "config.json")), Json)
        ?? throw new InvalidDataException($"'{folder}/config.json' is empty.");

    public static byte[] ReadPreprocessing(string folder) => File.ReadAllBytes(Path.Combine(folder, "preprocessing.bin"));

    /// <summary>Loads weights and optimizer state into <paramref name="model"/>; returns the best weights, if saved.</summary>
    public static IReadOnlyList<NamedTensor>? Restore(string folder, LanguageModelEngine model)
    {
        model.WriteTensors(TensorKind.Parameters, SafeTensors.Read(File.ReadAllBytes(Path.Combine(folder, "weights.safetensors"))));
        var optimizerBytes = File.ReadAllBytes(Path.Combine(folder, "optimizer.safetensors"));
        var optimizer = SafeTensors.Read(optimizerBytes);
        model.OptimizerSteps = long.Parse(SafeTensors.ReadMetadata(optimizerBytes).GetValueOrDefault("steps", "0"));
        if (optimizer.Count > 0) model.WriteTensors(TensorKind.OptimizerState, optimizer);
        var bestPath = Path.Combine(folder, "best.safetensors");
        return File.Exists(bestPath) ? SafeTensors.Read(File.ReadAllBytes(bestPath)) : null;
    }

    /// <summary>The recurrent training state saved with a mid-epoch checkpoint, if any.</summary>
    public static IReadOnlyList<NamedTensor>? ReadTrainingState(string folder)
    {
        var path = Path.Combine(folder, "state.safetensors");
        return File.Exists(path) ? SafeTensors.Read(File.ReadAllBytes(path)) : null;
    }

    private static void WriteFile(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
