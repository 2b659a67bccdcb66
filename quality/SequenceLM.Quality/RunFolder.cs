namespace Microsoft.ML.SequenceLM.Quality;

/// <summary>
/// The folder of a long quality run (outside the repository): checkpoints, resumed from when present, and a progress
/// log, so that a run stopped at any point continues where it was by running the same command again.
/// </summary>
internal sealed class RunFolder(string path)
{
    public string Path { get; } = path;

    /// <summary>Points the options at this folder's checkpoints (<paramref name="name"/> keeps several trainings apart).</summary>
    public T Apply<T>(T options, string name, int checkpointEveryNSteps) where T : LanguageModelTrainerOptions
    {
        var checkpoints = System.IO.Path.Combine(Path, name);
        var log = System.IO.Path.Combine(Path, name + ".log");
        Directory.CreateDirectory(Path);
        options.CheckpointDirectory = checkpoints;
        options.CheckpointEveryNSteps = checkpointEveryNSteps;
        options.ResumeFromCheckpoint = File.Exists(System.IO.Path.Combine(checkpoints, "latest")) ? checkpoints : null;
        options.Progress = new Progress<TrainingProgress>(p => File.AppendAllText(log, FormattableString.Invariant(
            $"{DateTime.UtcNow:HH:mm:ss} step {p.Step} epoch {p.Epoch} train {p.TrainLoss:F4} validation {p.ValidationLoss:F4} {p.TokensPerSecond:F0} tokens/s elapsed {p.Elapsed.TotalSeconds:F0}s\n")));
        return options;
    }
}
