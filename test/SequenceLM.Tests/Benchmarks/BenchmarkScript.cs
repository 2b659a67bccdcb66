using System.Diagnostics;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Benchmarks;

/// <summary>Runs benchmarks/run.sh with the given arguments and returns its exit code and its output (also written to the test's output).</summary>
internal static class BenchmarkScript
{
    public static (int ExitCode, string Output) Run(ITestOutputHelper output, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(TestBase.RepoRoot, "benchmarks", "run.sh"));
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        // The solution build made the harness. A build from here could recompile the library while other tests' processes
        // run it from their bin folders, which share its file through copy-local hard links: it would change under them.
        psi.Environment["SEQUENCELM_BENCH_NO_BUILD"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"benchmarks/run.sh {string.Join(' ', psi.ArgumentList.Skip(1))} did not finish in 10 minutes");
        }
        p.WaitForExit();
        var text = stdout.Result + stderr.Result;
        output.WriteLine(text);
        return (p.ExitCode, text);
    }
}
