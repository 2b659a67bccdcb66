using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Distributed;

/// <summary>
/// Data-parallel training under Open MPI's mpirun, on this machine (shared memory): two processes with half the batch
/// each follow the loss curve of one process with the whole batch, and a process killed mid-training ends the job
/// with a clear error, its last checkpoint resuming with another number of processes. The runs are
/// SequenceLM.Tests.SaveVictim's <c>data-parallel</c> scenario (DataParallelScenarios).
/// </summary>
public sealed partial class DataParallelTests(ITestOutputHelper output) : TestBase(output)
{
    private const int Steps = 20;

    [Theory]
    [InlineData("gru")]          // sequential windows: each process carries the hidden state of its own streams
    [InlineData("transformer")]  // random windows: each process trains on its own draws
    public void TwoProcessesWithHalfTheBatchFollowTheLossCurveOfOneProcessWithTheWholeBatch(string family)
    {
        var one = Curve(Run(processes: 1, $"family={family}", "batch=8", $"steps={Steps}"));
        var two = Curve(Run(processes: 2, $"family={family}", "batch=4", $"steps={Steps}"));

        Assert.Equal(Enumerable.Range(1, Steps).Select(s => ("loss", (long)s)), one.Keys.Where(k => k.Kind == "loss"));
        Assert.Equal(one.Keys, two.Keys);   // the same steps and validations (every 5 steps, on rank 0)
        foreach (var (key, value) in one)
            Assert.True(Math.Abs(value - two[key]) <= 1e-5, $"{key.Kind} at step {key.Step}: 1 process {value}, 2 processes {two[key]}");
        Assert.True(one[("loss", Steps)] < one[("loss", 1)] - 0.5, "the model should learn (loss falling by more than 0.5)");
    }

    [Fact]
    public void AKilledProcessEndsTheJobWithAClearErrorAndItsCheckpointResumesWithOneProcess()
    {
        var checkpoints = CreateTempDirectory();
        var killed = Run(processes: 2, expectSuccess: false, "family=gru", "batch=4", "steps=100000", $"checkpoints={checkpoints}", "die=1");
        Assert.Contains("rank 1: killing itself after the first checkpoint", killed);
        Assert.Contains("sequencelm rank 0/2: training stopped because mpirun is ending the job", killed);
        Assert.Contains("exited on signal 9", killed);   // mpirun names the process that died

        long resumedFrom = long.Parse(File.ReadAllText(Path.Combine(checkpoints, "latest")).Trim()["step-".Length..], CultureInfo.InvariantCulture);
        Assert.True(resumedFrom is > 0 and < Steps, $"checkpoint at step {resumedFrom}");
        // Same global batch (2 x 4 = 1 x 8): the resumed run continues the uninterrupted one exactly, hidden state included.
        var resumed = Curve(Run(processes: 1, "family=gru", "batch=8", $"steps={Steps}", $"resume={checkpoints}"));
        var uninterrupted = Curve(Run(processes: 1, "family=gru", "batch=8", $"steps={Steps}"));
        Assert.Equal(uninterrupted.Keys.Where(k => k.Step > resumedFrom), resumed.Keys);
        foreach (var (key, value) in resumed)
            Assert.True(Math.Abs(value - uninterrupted[key]) <= 1e-5, $"{key.Kind} at step {key.Step}: resumed {value}, uninterrupted {uninterrupted[key]}");
    }

    [Fact]
    public void ResumingWithAnotherGlobalBatchIsRefusedNamingTheBatchToUse()
    {
        var checkpoints = CreateTempDirectory();
        Run(processes: 1, "family=gru", "batch=8", "steps=5", $"checkpoints={checkpoints}");
        var refused = Run(processes: 2, expectSuccess: false, "family=gru", "batch=8", "steps=10", $"resume={checkpoints}");
        Assert.Contains("was written with 8 rows per step (processes x BatchSize); this run has 16", refused);
    }

    [Fact]
    public void TheCliStartsMpirunWithProcessesAndRankZeroAloneReportsAndSaves()
    {
        var corpus = WriteTempFile(string.Concat(Enumerable.Repeat(SaveVictim.Scenarios.Corpus, 30)));
        var model = Path.Combine(CreateTempDirectory(), "model.zip");
        var start = new ProcessStartInfo("dotnet");
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "sequencelm.dll"), "train", corpus, "--model", "gru", "--embedding", "8",
                     "--hidden", "16", "--layers", "1", "--batch", "4", "--seq", "16", "--max-steps", "6", "--processes", "2", "-o", model })
            start.ArgumentList.Add(a);
        var text = Execute(start, "sequencelm train --processes 2", expectSuccess: true);

        Assert.Contains("Starting 2 processes", text);
        Assert.Contains("2 processes x", text);
        Assert.Single(Regex.Matches(text, "Trained gru .* for 6 steps"));   // rank 0 alone reports and saves
        Assert.Single(Regex.Matches(text, "Saved "));
        Assert.Matches(@"All-reduce of the gradients: \d+\.\d ms per step over 2 processes", text);
        Assert.True(new FileInfo(model).Length > 0);
    }

    [Fact]
    public void CtrlCOnTheCliStopsEveryProcessAfterAStepAndRankZeroSaves()
    {
        var corpus = WriteTempFile(string.Concat(Enumerable.Repeat(SaveVictim.Scenarios.Corpus, 30)));
        var model = Path.Combine(CreateTempDirectory(), "model.zip");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "sequencelm.dll"), "train", corpus, "--model", "gru", "--embedding", "8",
                     "--hidden", "16", "--layers", "1", "--batch", "4", "--seq", "16", "--max-steps", "1000000", "--report-every", "1",
                     "--processes", "2", "-o", model })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var seen = new System.Text.StringBuilder();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains("  step ", StringComparison.Ordinal)) break;   // training is under way
        }
        using (var interrupt = Process.Start("kill", new[] { "-INT", process.Id.ToString(CultureInfo.InvariantCulture) })) interrupt.WaitForExit();
        var rest = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("Ctrl+C did not end the run (a hang).");
        }
        string text = seen + rest.Result + stderr.Result;
        Output.WriteLine(text);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Stopping after the current step", text);
        Assert.Single(Regex.Matches(text, "stopped: Cancelled"));
        Assert.True(new FileInfo(model).Length > 0);
    }

    private string Run(int processes, params string[] args) => Run(processes, expectSuccess: true, args);

    /// <summary>Runs the scenario alone or under mpirun; returns stdout and stderr. A hang fails the test after minutes.</summary>
    private string Run(int processes, bool expectSuccess, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SequenceLM.Tests.SaveVictim.dll");
        var start = new ProcessStartInfo(processes > 1 ? Mpirun() : "dotnet");
        if (processes > 1)
        {
            // Two processes on this (possibly 2-core, possibly root-run CI) machine: no core binding, no root refusal; loopback TCP
            // rather than shared memory, because a process died with SIGBUS twice while another mpirun job ran on the machine.
            foreach (var a in new[] { "-np", processes.ToString(CultureInfo.InvariantCulture), "--oversubscribe", "--bind-to", "none",
                         "--mca", "btl", "self,tcp", "dotnet" })
                start.ArgumentList.Add(a);
            start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
            start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        }
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("data-parallel");
        foreach (var a in args) start.ArgumentList.Add(a);
        return Execute(start, $"{processes} process(es) with {string.Join(' ', args)}", expectSuccess);
    }

    private string Execute(ProcessStartInfo start, string what, bool expectSuccess)
    {
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{what} did not end (a hang).");
        }
        string text = stdout.Result + stderr.Result;
        Output.WriteLine($"--- {what}: exit code {process.ExitCode}\n{text}");
        if (expectSuccess) Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{text}");
        else Assert.NotEqual(0, process.ExitCode);
        return text;
    }

    private static string Mpirun() =>
        new[] { "/usr/bin/mpirun", "/usr/local/bin/mpirun" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mpirun is missing: run build/setup.sh (it installs openmpi-bin and libopenmpi-dev).");

    /// <summary>Rank 0's "loss STEP VALUE" and "val STEP VALUE" lines, by kind and step.</summary>
    private static Dictionary<(string Kind, long Step), double> Curve(string output) =>
        CurveLine().Matches(output).ToDictionary(
            m => (m.Groups[1].Value, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)),
            m => double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"(loss|val) (\d+) (\S+)")]
    private static partial Regex CurveLine();
}
