using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>One configuration's results: ours, stock TorchSharp's, PyTorch's (null where a side could not run).</summary>
internal sealed record Row(BenchSpec Spec, BenchResult? Ours, BenchResult? Stock, BenchResult? Torch);

/// <summary>Runs each side of each configuration in its own process and hands the rows to <see cref="ResultsReport"/>.</summary>
internal sealed class Harness(HarnessOptions o)
{
    private readonly string _work = Directory.CreateTempSubdirectory("sequencelm-bench-").FullName;
    private string Reference => Path.Combine(o.RepoRoot, "benchmarks", "pytorch", "reference.py");

    public int Run()
    {
        try
        {
            return RunAll();
        }
        finally
        {
            try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
        }
    }

    private int RunAll()
    {
        var load = LoadAverage();
        var (pythonOk, pythonNote) = o.Scaling ? (false, "not run by --scaling") : CheckPython();
        Console.WriteLine($"SequenceLM {(o.Scaling ? "scaling benchmark" : "benchmarks")} ({(o.Quick ? "quick" : "full")}): TorchSharp libtorch {TorchRuntime.TorchVersion} via our library and stock, " +
                          $"{(pythonOk ? "PyTorch " + pythonNote : ResultsReport.Unavailable + " (" + pythonNote + ")")}; load average {load} at start");
        if (!o.Quick && double.Parse(load, CultureInfo.InvariantCulture) >= 0.5)
            Console.WriteLine($"warning: load average {load} >= 0.5: other work shares the CPU, compare sides as ratios only");

        var (mklPeak, peaks) = MeasurePeaks(pythonOk);
        var configurations = o.Scaling ? (o.Quick ? Configurations.QuickScaling() : Configurations.Scaling())
                                       : (o.Quick ? Configurations.Quick() : Configurations.Full());
        var rows = configurations.Where(s => o.Only == null || s.Name.Contains(o.Only, StringComparison.OrdinalIgnoreCase))
            .Select(s => RunRow(s, pythonOk)).ToList();
        var endLoad = LoadAverage();
        if (o.Scaling)
        {
            new ScalingReport(rows, mklPeak, o.Quick).Write(o.Json, load, endLoad);
        }
        else
        {
            var report = new ResultsReport(rows, mklPeak, pythonOk, o.Quick);
            var table = report.Table();
            Console.WriteLine();
            Console.WriteLine(table);
            report.WriteMarkdown(o.Markdown, peaks, pythonNote, load, endLoad, table);
            report.WriteJson(o.Json, load, endLoad, pythonOk ? pythonNote : null);
            Console.WriteLine($"\nwritten to {o.Markdown} and {o.Json}");
        }
        return rows.All(r => r.Ours != null && r.Stock != null) ? 0 : 1;
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>
    /// The MKL matrix-product peak (torch.mm through TorchSharp's libtorch), the basis of the GFLOP/s shares (NaN if it
    /// failed), and every peak measured; PyTorch's OpenBLAS figures are printed for information.
    /// </summary>
    private (double Mkl, List<(string What, double Gflops)> All) MeasurePeaks(bool pythonOk)
    {
        var peak = new BenchSpec { Name = "peak", Task = "peak", MatmulSize = o.Quick ? 256 : 2048, Steps = o.Quick ? 3 : 20, Threads = o.Threads };
        var peaks = new List<(string What, double Gflops)>();
        var mkl = RunSide("ours", Write(peak, "peak"), null);
        if (mkl?.Gflops > 0) peaks.Add(("TorchSharp libtorch (MKL)", mkl.Gflops));
        if (pythonOk)
        {
            foreach (var blas in new[] { 1, 2 })
            {
                var r = RunSide("pytorch", Write(peak with { Threads = 2 }, "peak"), blas);
                if (r?.Gflops > 0) peaks.Add(($"PyTorch, OpenBLAS {blas} thread{(blas > 1 ? "s" : "")}", r.Gflops));
            }
        }
        foreach (var p in peaks) Console.WriteLine($"matmul {peak.MatmulSize}x{peak.MatmulSize} float32: {p.Gflops:F1} GFLOP/s ({p.What})");
        return (mkl?.Gflops > 0 ? mkl.Gflops : double.NaN, peaks);
    }

    /// <summary>Prepares one configuration's data and runs each side on it in its own process.</summary>
    private Row RunRow(BenchSpec baseSpec, bool pythonOk)
    {
        var dataFile = Path.Combine(_work, Slug(baseSpec.Name) + ".bin");
        var spec = DataPreparation.Prepare(baseSpec with { DataFile = dataFile, Threads = o.Threads }, o.DataDirectory, dataFile);
        var specFile = Write(spec, Slug(spec.Name));
        Console.WriteLine($"-- {spec.Name} ({spec.Warmup} warm-up + {spec.Steps} timed {(spec.Task == "generate" ? "repetitions" : "steps")})");
        var ours = RunSide("ours", specFile, null);
        var stock = RunSide("torchsharp", specFile, null);
        var torch = pythonOk ? RunSide("pytorch", specFile, null) : null;
        return new Row(spec, ours, stock, torch);
    }

    private (bool, string) CheckPython()
    {
        if (!File.Exists(o.Python)) return (false, $"{o.Python} not found");
        var (code, stdout, stderr) = Exec(o.Python, ["-c", "import torch; print(torch.__version__)"], null, TimeSpan.FromMinutes(2));
        return code == 0 ? (true, stdout.Trim()) : (false, $"{o.Python} has no torch: {stderr.Trim().Split('\n').LastOrDefault()}");
    }

    private string Write(BenchSpec spec, string name)
    {
        var path = Path.Combine(_work, name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(spec, BenchSpec.Json));
        return path;
    }

    private BenchResult? RunSide(string side, string specFile, int? blasThreads)
    {
        var (file, arguments) = side switch
        {
            "ours" => Self("worker", specFile),
            "torchsharp" => Self("stock-worker", specFile),
            _ => (o.Python, new List<string> { Reference, specFile }),
        };
        var (code, stdout, stderr) = Exec(file, arguments, blasThreads, TimeSpan.FromMinutes(30));
        var last = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (code != 0 || last == null)
        {
            Console.WriteLine($"   {side}: FAILED (exit {code}): {stderr.Trim()}");
            return null;
        }
        var result = JsonSerializer.Deserialize<BenchResult>(last, BenchSpec.Json)!;
        if (result.Gflops > 0 || result.Note.Length > 0)
            Console.WriteLine($"   {side}: {(result.Gflops > 0 ? $"{result.Gflops:F1} GFLOP/s" : "")} {result.Note}");
        else
            Console.WriteLine($"   {side,-10}: {result.TokensPerSecond,10:F0} tokens/s  ({result.Tokens} tokens in {result.Seconds:F3} s, " +
                              $"{result.Threads} threads, peak RSS {result.PeakRssKb / 1024.0:F0} MiB, loss {result.FirstLoss:F3} -> {result.LastLoss:F3})");
        return result;
    }

    private static (string, List<string>) Self(string mode, string specFile)
    {
        var exe = Environment.ProcessPath!;
        var dll = typeof(Harness).Assembly.Location;
        return Path.GetFileNameWithoutExtension(exe) == "dotnet"
            ? (exe, new List<string> { dll, mode, specFile })
            : (exe, new List<string> { mode, specFile });
    }

    public static (int, string, string) Exec(string file, IEnumerable<string> arguments, int? blasThreads, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["OPENBLAS_NUM_THREADS"] = (blasThreads ?? 1).ToString(CultureInfo.InvariantCulture);
        // Every side's OpenMP threads wait passively (our library's default, see docs/performance.md): spinning
        // threads on a shared machine would make the sides' ratios measure the load rather than the code.
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return (-1, stdout.Result, "timed out; " + stderr.Result);
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Slug(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
}
