using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.ML.SequenceLM.Tests.SaveVictim;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Reliability;

/// <summary>
/// Nothing is lost when a process dies: model saves and checkpoints are atomic (proved by killing a child process,
/// SequenceLM.Tests.SaveVictim, mid-save), and training resumes from the last checkpoint with the losses an
/// uninterrupted run gives.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : TestBase(output)
{
    /// <summary>The child process, with its stdout lines collected as they come.</summary>
    private sealed class Child : IDisposable
    {
        public readonly Process Process;
        public readonly BlockingCollection<string> Lines = new();
        public readonly List<string> All = new();

        public Child(params string[] args)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "SequenceLM.Tests.SaveVictim.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(dll);
            foreach (var a in args) start.ArgumentList.Add(a);
            Process = new Process { StartInfo = start };
            Process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null) { Lines.CompleteAdding(); return; }
                lock (All) All.Add(e.Data);
                Lines.Add(e.Data);
            };
            Process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (All) All.Add("stderr: " + e.Data); };
            Process.Start();
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        /// <summary>Waits for a line starting with <paramref name="prefix"/>; returns it.</summary>
        public string WaitFor(string prefix, int timeoutSeconds = 120)
        {
            var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
            while (DateTime.UtcNow < deadline)
            {
                if (!Lines.TryTake(out var line, TimeSpan.FromMilliseconds(200)))
                {
                    if (Lines.IsCompleted) break;
                    continue;
                }
                if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
            }
            // A child whose output has ended is exiting: wait for it, which also drains its standard error.
            if (Lines.IsCompleted && Process.WaitForExit(10_000)) Process.WaitForExit(); // the second waits for stderr to end
            string seen;
            lock (All) seen = string.Join("\n", All.TakeLast(20));
            string exit = !Process.HasExited ? "still running"
                : Process.ExitCode > 128 ? $"killed by signal {Process.ExitCode - 128}"
                : $"exited with code {Process.ExitCode}";
            throw new TimeoutException($"The child did not print '{prefix}...' ({exit}). Its last output:\n{seen}");
        }

        public void Kill()
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(); // also drains the output
        }

        public void Dispose()
        {
            if (!Process.HasExited) Kill();
            Process.Dispose();
        }
    }

    [Fact]
    public void KillingAProcessMidSaveNeverLeavesABrokenModelFile()
    {
        var dir = CreateTempDirectory();
        var path = Path.Combine(dir, "model.zip");
        var random = new Random(11);
        var ml = new MLContext(1);
        int killedMidSave = 0;
        const int rounds = 4;
        for (int round = 0; round < rounds; round++)
        {
            using var child = new Child("save-loop", path);
            var saved = child.WaitFor("saved "); // at least one complete save this round
            double saveMs = double.Parse(saved.Split(' ')[2]);
            var saving = child.WaitFor("saving ");
            Thread.Sleep(random.Next((int)Math.Max(2, saveMs)));
            child.Kill();
            // The output is drained once the child has exited: its last line tells whether a save was under way.
            string last;
            lock (child.All) last = child.All.Last(l => l.StartsWith("sav", StringComparison.Ordinal));
            bool midSave = last.StartsWith("saving ", StringComparison.Ordinal);
            if (midSave) killedMidSave++;
            Output.WriteLine($"round {round}: a save takes ~{saveMs} ms; killed after '{last}': {(midSave ? "mid-save" : "between saves")}");

            // Whatever the moment, the file at the path is a complete model.
            using (var loaded = (IDisposable)ml.Model.LoadLanguageModel(path, out _))
            {
                var sample = ml.LanguageModels().CreateGenerator((ITransformer)loaded).Generate("the ", 1, new GenerationOptions { MaxTokens = 5, Seed = 1 })[0];
                Assert.Equal(5, sample.Keys.Length);
            }
            // Only temp files of the documented form may remain beside it (a killed save cannot clean up).
            Assert.All(Directory.GetFiles(dir).Where(f => f != path),
                f => Assert.Matches(@"^\.model\.zip\.[0-9a-f]{32}\.tmp$", Path.GetFileName(f)));
        }
        var leftovers = Directory.GetFiles(dir).Length - 1;
        Output.WriteLine($"{killedMidSave} of {rounds} kills landed mid-save; {leftovers} temp files left behind");
        Assert.True(killedMidSave >= 1, "no kill landed during a save: the test proved nothing");

        // Leftover temp files break nothing: the next save (in this process) succeeds and loads.
        var text = Scenarios.Text(ml, 3);
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(BadInputTests.TinyGru())).Fit(text);
        ml.Model.SaveAtomically(model, text.Schema, path);
        using var reloaded = (TransformerChain<ITransformer>)ml.Model.LoadLanguageModel(path, out _);
        Assert.Equal(model.LastTransformer.ParameterCount, ((LanguageModelTransformer)reloaded.LastTransformer).ParameterCount);
    }

    private static TransformerChain<LanguageModelTransformer> Fit(MLContext ml, GruOptions options) =>
        ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(Scenarios.Text(ml));

    private static TransformerChain<LanguageModelTransformer> Fit(MLContext ml, LstmOptions options) =>
        ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Lstm(options)).Fit(Scenarios.Text(ml));

    /// <summary>The parts of a training record that must reproduce exactly (not timings).</summary>
    private static string[] Curve(TrainingHistory h) =>
        h.Records.Select(r => $"{r.Step} {r.Epoch} {r.TrainLoss:R} {r.ValidationLoss:R} {r.LearningRate:R}").ToArray();

    [Fact]
    public void TrainingKilledAfterACheckpointResumesInAnotherProcessAndMatchesAnUninterruptedRun()
    {
        var dir = CreateTempDirectory();
        using (var child = new Child("train", dir, "25"))
        {
            child.WaitFor("step 23"); // checkpoints every 5 steps: step-000000020 is complete by now
            child.Kill();
            lock (child.All) Assert.DoesNotContain(child.All, l => l.StartsWith("done", StringComparison.Ordinal));
        }
        var latest = File.ReadAllText(Path.Combine(dir, "latest"));
        Output.WriteLine($"killed; latest checkpoint: {latest}; folder: {string.Join(", ", Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName))}");
        // At least the checkpoint of step 20 is complete; how many more were written before the kill landed depends on load.
        Assert.Matches(@"^step-\d{9}$", latest);
        Assert.InRange(int.Parse(latest["step-".Length..]), 20, 135);

        var ml = new MLContext(1);
        var options = Scenarios.CheckpointedGru(dir);
        options.ResumeFromCheckpoint = dir;
        using var resumed = Fit(ml, options);
        using var reference = Fit(ml, Scenarios.CheckpointedGru(checkpointDirectory: null));
        var (a, b) = (resumed.LastTransformer.History, reference.LastTransformer.History);
        Output.WriteLine($"resumed: {a.StopReason} at step {a.TotalSteps}; uninterrupted: {b.StopReason} at step {b.TotalSteps}");
        Assert.Equal(TrainingStopReason.Completed, a.StopReason);
        Assert.Equal(b.TotalSteps, a.TotalSteps);
        Assert.Equal(Curve(b), Curve(a)); // same data order and dropout masks although the first part ran in another process
        Assert.Equal(reference.LastTransformer.GetWeights().SelectMany(w => w.Data), resumed.LastTransformer.GetWeights().SelectMany(w => w.Data));
    }

    [Fact]
    public void ResumingMidEpochGivesTheLossesOfAnUninterruptedRun()
    {
        var ml = new MLContext(1);
        using var uninterrupted = Fit(ml, Scenarios.CheckpointedGru(CreateTempDirectory(), checkpointEvery: 5, epochs: 3));
        var dir = CreateTempDirectory();
        var first = Scenarios.CheckpointedGru(dir, checkpointEvery: 5, epochs: 3);
        first.MaximumSteps = 45; // stops in the middle of the second epoch (34 steps each), just after a checkpoint
        using (var stopped = Fit(ml, first))
            Assert.Equal(TrainingStopReason.StepBudget, stopped.LastTransformer.History.StopReason);
        var second = Scenarios.CheckpointedGru(dir, checkpointEvery: 5, epochs: 3);
        second.ResumeFromCheckpoint = dir;
        using var resumed = Fit(ml, second);
        var (a, b) = (resumed.LastTransformer.History, uninterrupted.LastTransformer.History);
        Output.WriteLine($"{b.TotalSteps} steps; final loss {b.Records[^1].TrainLoss:F4} vs resumed {a.Records[^1].TrainLoss:F4}");
        Assert.Equal(102, b.TotalSteps);
        Assert.Equal(Curve(b), Curve(a));
    }

    [Fact]
    public void StatefulSequentialTrainingResumedAtAnEpochBoundaryMatchesAnUninterruptedRun()
    {
        // Sequential windows carry the hidden state from batch to batch within an epoch; it is reset at each epoch, so
        // a checkpoint written at the end of an epoch (CheckpointEveryNSteps = 0) resumes exactly.
        GruOptions Options(string dir, int epochs) => new()
        {
            WindowMode = WindowMode.Sequential, Stateful = true, EmbeddingSize = 16, HiddenSize = 32, NumberOfLayers = 1,
            BatchSize = 4, SequenceLength = 16, Epochs = epochs, LearningRate = 0.01f, Dropout = 0.1f, ValidationFraction = 0.1f,
            Device = "cpu", Seed = 9, CheckpointDirectory = dir, CheckpointEveryNSteps = 0,
        };
        var ml = new MLContext(1);
        using var uninterrupted = Fit(ml, Options(CreateTempDirectory(), 3));
        var dir = CreateTempDirectory();
        using (Fit(ml, Options(dir, 2))) { }
        var resume = Options(dir, 3);
        resume.ResumeFromCheckpoint = dir;
        using var resumed = Fit(ml, resume);
        Assert.Equal(Curve(uninterrupted.LastTransformer.History), Curve(resumed.LastTransformer.History));
        Assert.NotNull(resumed.LastTransformer.History.Records[^1].ValidationLoss);
    }

    [Fact]
    public void StatefulSequentialTrainingResumedMidEpochMatchesAnUninterruptedRun()
    {
        // A checkpoint in the middle of an epoch also saves the hidden state carried into the next window.
        LstmOptions Options(string dir, long? steps) => new()
        {
            WindowMode = WindowMode.Sequential, Stateful = true, EmbeddingSize = 16, HiddenSize = 32, NumberOfLayers = 2,
            BatchSize = 4, SequenceLength = 16, Epochs = 2, LearningRate = 0.01f, Dropout = 0.1f, ValidationFraction = 0.1f,
            Device = "cpu", Seed = 9, CheckpointDirectory = dir, CheckpointEveryNSteps = 5, MaximumSteps = steps,
        };
        var ml = new MLContext(1);
        using var uninterrupted = Fit(ml, Options(CreateTempDirectory(), null));
        var total = uninterrupted.LastTransformer.History.TotalSteps;
        var dir = CreateTempDirectory();
        using (var stopped = Fit(ml, Options(dir, 15))) // mid-epoch: an epoch has more than 15 windows
            Assert.Equal(TrainingStopReason.StepBudget, stopped.LastTransformer.History.StopReason);
        Assert.True(File.Exists(Path.Combine(dir, "step-000000015", "state.safetensors")), "the mid-epoch checkpoint holds the carried state");
        var resume = Options(dir, null);
        resume.ResumeFromCheckpoint = dir;
        using var resumed = Fit(ml, resume);
        Output.WriteLine($"{total} steps; final loss {uninterrupted.LastTransformer.History.Records[^1].TrainLoss:F5} vs resumed {resumed.LastTransformer.History.Records[^1].TrainLoss:F5}");
        Assert.True(total > 30, $"the scenario needs more than one epoch of 15+ steps (has {total})");
        Assert.Equal(Curve(uninterrupted.LastTransformer.History), Curve(resumed.LastTransformer.History));
    }
}
