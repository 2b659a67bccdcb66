using System.Globalization;

namespace Microsoft.ML.SequenceLM.Tests.SaveVictim;

/// <summary>
/// Data-parallel runs for DataParallelTests, started plainly or under <c>mpirun -np N</c>. Rank 0 prints
/// <c>loss STEP VALUE</c> for every step, <c>val STEP VALUE</c> for every validation and <c>done STEPS REASON</c>.
/// Arguments (key=value): family=gru|transformer, batch=N (per process), steps=N, checkpoints=DIR, resume=DIR, and
/// die=1, which makes rank 1 kill itself (SIGKILL) as soon as the first checkpoint is complete.
/// </summary>
public static class DataParallelScenarios
{
    public static int Run(string[] args)
    {
        var a = args.Skip(1).Select(x => x.Split('=', 2)).ToDictionary(x => x[0], x => x[1]);
        int rank = MpiJob.Rank;
        var options = Options(a["family"], int.Parse(a["batch"]), long.Parse(a["steps"]));
        options.CheckpointDirectory = a.GetValueOrDefault("checkpoints");
        options.ResumeFromCheckpoint = a.GetValueOrDefault("resume");
        if (a.GetValueOrDefault("die") == "1" && rank == 1) DieAfterFirstCheckpoint(options.CheckpointDirectory!);
        options.Progress = new Scenarios.SyncProgress(p =>
        {
            Console.WriteLine(FormattableString.Invariant($"loss {p.Step} {p.TrainLoss:R}"));
            if (p.ValidationLoss is { } v) Console.WriteLine(FormattableString.Invariant($"val {p.Step} {v:R}"));
        });
        var ml = new MLContext(seed: 1);
        var text = Scenarios.Text(ml);
        var trainer = ml.LanguageModels().Trainers.Create(options);
        using var model = ml.Transforms.TokenizeChars().Append(trainer).Fit(text);
        var history = model.LastTransformer.History;
        if (rank == 0) Console.WriteLine($"done {history.TotalSteps} {history.StopReason}");
        return 0;
    }

    /// <summary>Dropout 0 and a fixed seed: the loss curve depends only on the rows per step, not on how processes share them.</summary>
    public static LanguageModelTrainerOptions Options(string family, int batch, long steps)
    {
        LanguageModelTrainerOptions o = family switch
        {
            "gru" => new GruOptions { EmbeddingSize = 16, HiddenSize = 32, NumberOfLayers = 2 },   // sequential, stateful
            "transformer" => new TransformerOptions { Width = 32, NumberOfHeads = 2, NumberOfLayers = 2, ContextLength = 16 }, // random windows
            _ => throw new ArgumentException($"family={family}"),
        };
        o.BatchSize = batch;
        o.SequenceLength = 16;
        o.MaximumSteps = steps;
        o.Epochs = 1000;
        o.LearningRate = 0.01f;
        o.GradientClipNorm = 0.5f;   // low enough to clip: the global norm decides
        o.Dropout = 0f;
        o.ValidationFraction = 0.1f;
        o.EvaluateEveryNSteps = 5;
        o.CheckpointEveryNSteps = 5;
        o.ReportEveryNSteps = 1;
        o.Device = "cpu";
        o.Seed = 5;
        return o;
    }

    private static void DieAfterFirstCheckpoint(string directory)
    {
        new Thread(() =>
        {
            while (!File.Exists(Path.Combine(directory, "latest"))) Thread.Sleep(20);
            Console.Error.WriteLine("rank 1: killing itself after the first checkpoint");
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }) { IsBackground = true }.Start();
    }
}
