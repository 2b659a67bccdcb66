using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Benchmarks;

// SequenceLM.Benchmarks [--quick] [--only TEXT] [--markdown FILE] [--data DIR] [--python PATH] [--threads N (default: cores)]
//   runs every configuration with our library and with benchmarks/pytorch/reference.py, each side of each
//   configuration in its own process, and prints one table.
// SequenceLM.Benchmarks worker SPEC.json   (internal: one configuration with our library in this process)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 2 && args[0] == "worker")
{
    var spec = JsonSerializer.Deserialize<BenchSpec>(File.ReadAllText(args[1]), BenchSpec.Json)!;
    var result = OurWorker.Run(spec) with { PeakRssKb = OurWorker.PeakRssKb() };
    Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(BenchSpec.Json) { WriteIndented = false }));
    return 0;
}

var options = HarnessOptions.Parse(args);
return new Harness(options).Run();

internal sealed record HarnessOptions(bool Quick, string? Only, string Markdown, string DataDirectory, string Python, string RepoRoot, int Threads)
{
    public static HarnessOptions Parse(string[] args)
    {
        string repo = FindRepoRoot();
        bool quick = false;
        string? only = null;
        int threads = Environment.ProcessorCount;
        string markdown = Path.Combine(repo, "artifacts", "benchmarks", "results.md");
        string data = Environment.GetEnvironmentVariable("SEQUENCELM_DATA") ?? Path.GetFullPath(Path.Combine(repo, "..", "shared", "data"));
        string python = Environment.GetEnvironmentVariable("SEQUENCELM_BENCH_PYTHON") ?? "/usr/bin/python3";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--only": only = args[++i]; break;
                case "--markdown": markdown = Path.GetFullPath(args[++i]); break;
                case "--data": data = Path.GetFullPath(args[++i]); break;
                case "--python": python = args[++i]; break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' (use --quick, --only TEXT, --markdown FILE, --data DIR, --python PATH, --threads N)");
            }
        }
        return new HarnessOptions(quick, only, markdown, data, python, repo, threads);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.SequenceLM.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

internal sealed class Harness(HarnessOptions o)
{
    private const string Unavailable = "PyTorch reference unavailable";
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
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var (pythonOk, pythonNote) = CheckPython();
        Console.WriteLine($"SequenceLM benchmarks ({(o.Quick ? "quick" : "full")}): TorchSharp libtorch {TorchRuntime.TorchVersion} via our library, " +
                          $"{(pythonOk ? "PyTorch " + pythonNote : Unavailable + " (" + pythonNote + ")")}; load average {load} at start");
        if (!o.Quick && double.Parse(load, CultureInfo.InvariantCulture) >= 0.5)
            Console.WriteLine($"warning: load average {load} >= 0.5: other work shares the CPU, timings are not clean");

        // Matrix-multiply peak of the machine: torch.mm through our library (TorchSharp's libtorch, MKL) and through
        // PyTorch with one and with two OpenBLAS threads.
        var peak = new BenchSpec { Name = "peak", Task = "peak", MatmulSize = o.Quick ? 256 : 2048, Steps = o.Quick ? 3 : 20 };
        var peaks = new List<(string What, double Gflops)>();
        var ourPeak = RunSide("ours", Write(peak, "peak"), null);
        if (ourPeak?.Gflops > 0) peaks.Add(("TorchSharp libtorch via SequenceLM", ourPeak.Gflops));
        if (pythonOk)
        {
            foreach (var blas in new[] { 1, 2 })
            {
                var r = RunSide("pytorch", Write(peak with { Threads = 2 }, "peak"), blas);
                if (r?.Gflops > 0) peaks.Add(($"PyTorch, OpenBLAS {blas} thread{(blas > 1 ? "s" : "")}", r.Gflops));
            }
        }
        double machinePeak = peaks.Count > 0 ? peaks.Max(p => p.Gflops) : double.NaN;
        foreach (var p in peaks) Console.WriteLine($"matmul {peak.MatmulSize}x{peak.MatmulSize} float32: {p.Gflops:F1} GFLOP/s ({p.What})");

        var rows = new List<Row>();
        var specs = (o.Quick ? Configurations.Quick() : Configurations.Full())
            .Where(s => o.Only == null || s.Name.Contains(o.Only, StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var baseSpec in specs)
        {
            var dataFile = Path.Combine(_work, Slug(baseSpec.Name) + ".bin");
            var spec = DataPreparation.Prepare(baseSpec with { DataFile = dataFile, Threads = o.Threads }, o.DataDirectory, dataFile);
            var specFile = Write(spec, Slug(spec.Name));
            Console.WriteLine($"-- {spec.Name}");
            var ours = RunSide("ours", specFile, null);
            var torch = pythonOk ? RunSide("pytorch", specFile, null) : null;
            rows.Add(new Row(spec, ours, torch));
        }
        var endLoad = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var table = Table(rows, machinePeak, pythonOk);
        Console.WriteLine();
        Console.WriteLine(table);
        WriteMarkdown(rows, peaks, machinePeak, pythonOk, pythonNote, load, endLoad, table);
        return rows.All(r => r.Ours != null) ? 0 : 1;
    }

    private sealed record Row(BenchSpec Spec, BenchResult? Ours, BenchResult? Torch);

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
        var (file, arguments) = side == "ours" ? Self(specFile) : (o.Python, new List<string> { Reference, specFile });
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
            Console.WriteLine($"   {side,-7}: {result.TokensPerSecond,10:F0} tokens/s  ({result.Tokens} tokens in {result.Seconds:F3} s, " +
                              $"{result.Threads} threads, peak RSS {result.PeakRssKb / 1024.0:F0} MiB, loss {result.FirstLoss:F3} -> {result.LastLoss:F3})");
        return result;
    }

    private static (string, List<string>) Self(string specFile)
    {
        var exe = Environment.ProcessPath!;
        var dll = typeof(Harness).Assembly.Location;
        return Path.GetFileNameWithoutExtension(exe) == "dotnet"
            ? (exe, new List<string> { dll, "worker", specFile })
            : (exe, new List<string> { "worker", specFile });
    }

    private static (int, string, string) Exec(string file, IEnumerable<string> arguments, int? blasThreads, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["OPENBLAS_NUM_THREADS"] = (blasThreads ?? 1).ToString(CultureInfo.InvariantCulture);
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

    private static (double Ratio, string Label) Target(BenchSpec s) => s.Target switch
    {
        "train-small" => (1.5, ">=1.5x"),
        "gen-b1" => (3.0, ">=3x"),
        "gen-batch" => (1.0, ">=1x"),
        _ => (1.0, ">=1x"),
    };

    private static string Table(List<Row> rows, double peak, bool pythonOk)
    {
        var header = new[] { "configuration", "ours tok/s", "PyTorch tok/s", "ratio", "target", "ours GFLOP/s (peak)", "PyTorch GFLOP/s (peak)",
                             "ours MiB", "PyTorch MiB", "memory" };
        var lines = new List<string[]> { header };
        foreach (var r in rows)
        {
            string Tps(BenchResult? x) => x == null ? "failed" : x.TokensPerSecond.ToString("F0");
            string Gf(BenchResult? x)
            {
                if (x == null || x.Seconds <= 0) return "-";
                double g = r.Spec.FlopsPerPosition() * x.Positions / x.Seconds / 1e9;
                return double.IsNaN(peak) ? $"{g:F2}" : $"{g:F2} ({100 * g / peak:F0}%)";
            }
            string Mem(BenchResult? x) => x == null ? "-" : (x.PeakRssKb / 1024.0).ToString("F0");
            var (need, label) = Target(r.Spec);
            string ratio = "-", met = label, memory = "-";
            if (!pythonOk)
            {
                lines.Add([r.Spec.Name, Tps(r.Ours), Unavailable, "-", label, Gf(r.Ours), "-", Mem(r.Ours), "-", "-"]);
                continue;
            }
            if (r.Ours != null && r.Torch != null && r.Torch.TokensPerSecond > 0)
            {
                double x = r.Ours.TokensPerSecond / r.Torch.TokensPerSecond;
                ratio = $"{x:F2}x";
                met = $"{label} {(x >= need ? "met" : "MISSED")}";
                memory = r.Ours.PeakRssKb <= r.Torch.PeakRssKb ? "met" : "MISSED";
            }
            lines.Add([r.Spec.Name, Tps(r.Ours), Tps(r.Torch), ratio, met, Gf(r.Ours), Gf(r.Torch), Mem(r.Ours), Mem(r.Torch), memory]);
        }
        var widths = Enumerable.Range(0, header.Length).Select(c => lines.Max(l => l[c].Length)).ToArray();
        var sb = new StringBuilder();
        for (int i = 0; i < lines.Count; i++)
        {
            sb.Append("| ").AppendJoin(" | ", lines[i].Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).AppendLine(" |");
            if (i == 0) sb.Append("|").AppendJoin("|", widths.Select((w, c) => c == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")).AppendLine("|");
        }
        return sb.ToString().TrimEnd();
    }

    private void WriteMarkdown(List<Row> rows, List<(string What, double Gflops)> peaks, double machinePeak, bool pythonOk, string pythonNote,
        string load, string endLoad, string table)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## Results ({(o.Quick ? "quick" : "full")} run, {DateTime.Now:yyyy-MM-dd HH:mm})").AppendLine();
        sb.AppendLine($"- CPU: {CpuModel()}, {Environment.ProcessorCount} cores; memory {MemoryGiB():F1} GiB");
        sb.AppendLine($"- TorchSharp libtorch {TorchRuntime.TorchVersion} (ours); {(pythonOk ? "PyTorch " + pythonNote : Unavailable)}; " +
                      "PyTorch with OpenBLAS 1 thread; 2 intra-op threads on both sides");
        sb.AppendLine($"- load average {load} at start, {endLoad} at end");
        foreach (var p in peaks) sb.AppendLine($"- matmul peak: {p.Gflops:F1} GFLOP/s ({p.What})");
        sb.AppendLine($"- GFLOP/s percentages are of {machinePeak:F1} GFLOP/s").AppendLine();
        sb.AppendLine(table).AppendLine();
        sb.AppendLine("| configuration | side | seconds | tokens | positions | first loss | last loss |");
        sb.AppendLine("|---|---|--:|--:|--:|--:|--:|");
        foreach (var r in rows)
            foreach (var x in new[] { r.Ours, r.Torch })
                if (x != null)
                    sb.AppendLine($"| {r.Spec.Name} | {x.Side} | {x.Seconds:F3} | {x.Tokens} | {x.Positions} | {x.FirstLoss:F4} | {x.LastLoss:F4} |");
        Directory.CreateDirectory(Path.GetDirectoryName(o.Markdown)!);
        File.WriteAllText(o.Markdown, sb.ToString());
        Console.WriteLine($"\nwritten to {o.Markdown}");
    }

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    private static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0 / 1024.0;
    }
}
