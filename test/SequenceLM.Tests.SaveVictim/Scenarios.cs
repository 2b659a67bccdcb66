namespace Microsoft.ML.SequenceLM.Tests.SaveVictim;

/// <summary>
/// The data, options and models the child process and the test both use, so that a run the test kills and the run it
/// resumes or compares against are configured identically.
/// </summary>
public static class Scenarios
{
    public const string Corpus = "the cat sat on the mat. the dog sat on the log. a bird sang in the tree. ";

    public sealed class Doc
    {
        public string Text { get; set; } = "";
    }

    public static IDataView Text(MLContext ml, int repeats = 30) =>
        ml.Data.LoadFromEnumerable(new[] { new Doc { Text = string.Concat(Enumerable.Repeat(Corpus, repeats)) } });

    /// <summary>
    /// A tiny GRU with random windows (stateless: every batch starts from a zero hidden state) and dropout, so that the
    /// data order and the dropout masks both depend on the seed; 34 steps per epoch.
    /// </summary>
    public static GruOptions CheckpointedGru(string? checkpointDirectory, int checkpointEvery = 5, int epochs = 4) => new()
    {
        WindowMode = WindowMode.Random,
        EmbeddingSize = 16,
        HiddenSize = 32,
        NumberOfLayers = 1,
        BatchSize = 4,
        SequenceLength = 16,
        Epochs = epochs,
        LearningRate = 0.01f,
        Dropout = 0.1f,
        ValidationFraction = 0f,
        Device = "cpu",
        Seed = 5,
        CheckpointDirectory = checkpointDirectory,
        CheckpointEveryNSteps = checkpointEvery,
    };

    /// <summary>A GRU of about 1.4M parameters (5.6 MB of weights), so that one save takes tens of milliseconds.</summary>
    public static TransformerChain<LanguageModelTransformer> BigModel(MLContext ml, IDataView text) =>
        ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(new GruOptions
        {
            EmbeddingSize = 64, HiddenSize = 384, NumberOfLayers = 2, BatchSize = 2, SequenceLength = 8, MaximumSteps = 1,
            Dropout = 0f, ValidationFraction = 0f, Device = "cpu", Seed = 1,
        })).Fit(text);

    /// <summary>Calls back synchronously on the training thread (System.Progress would post to the thread pool).</summary>
    public sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
