using System.Diagnostics;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Benchmarks;

/// <summary>
/// The benchmark harness (benchmarks/run.sh) runs end to end in quick mode and prints its table. Not a timed test:
/// nothing here looks at the speeds.
/// </summary>
public sealed class BenchmarkHarnessTests(ITestOutputHelper output) : TestBase(output)
{
    private (int ExitCode, string Output) RunQuick(string? python) =>
        BenchmarkScript.Run(Output, ["--quick", "--markdown", Path.Combine(CreateTempDirectory(), "results.md")],
            python == null ? null : new Dictionary<string, string> { ["SEQUENCELM_BENCH_PYTHON"] = python });

    private static bool PyTorchInstalled()
    {
        if (!File.Exists("/usr/bin/python3")) return false;
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import torch");
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [Fact]
    public void QuickRunPrintsTheTableWithBothSides()
    {
        var (code, text) = RunQuick(python: null);
        Assert.Equal(0, code);
        Assert.Contains("| configuration", text);
        Assert.Contains("quick names-gru-16 (per-line)", text);
        Assert.Contains("quick generate transformer-1x32 b1", text);
        if (PyTorchInstalled())
            Assert.DoesNotContain("PyTorch reference unavailable", text); // where torch is installed, the reference must run
        else
            Assert.Contains("PyTorch reference unavailable", text);
    }

    [Fact]
    public void QuickRunWithoutPyTorchSaysSo()
    {
        var (code, text) = RunQuick(python: "/nonexistent/python3");
        Assert.Equal(0, code);
        Assert.Contains("| configuration", text);
        Assert.Contains("PyTorch reference unavailable", text);
    }
}
