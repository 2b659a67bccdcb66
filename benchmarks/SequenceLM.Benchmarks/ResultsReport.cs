using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>
/// The harness's table (ours against stock TorchSharp, PyTorch for reference), its markdown file and results.json:
/// {"machine": {...}, "peak_gflops": x, "rows": [{"name": "...", "ours": {"tokens_per_s": x, "peak_mib": y}, "torchsharp": ..., "pytorch": ...}]}.
/// </summary>
internal sealed class ResultsReport(List<Row> rows, double peakGflops, bool pythonOk, bool quick)
{
    public const string Unavailable = "PyTorch reference unavailable";

    /// <summary>Issue 13's targets against stock TorchSharp's tokens/s.</summary>
    private static (double Ratio, string Label) Target(BenchSpec s) => s.Target switch
    {
        "train-small" => (2.0, ">=2x"),
        "gen-b1" => (5.0, ">=5x"),
        "gen-batch" => (1.5, ">=1.5x"),
        _ => (1.15, ">=1.15x"),
    };

    public static string Tps(BenchResult? x) => x == null ? "failed" : x.TokensPerSecond.ToString("F0", CultureInfo.InvariantCulture);
    public static string Mib(BenchResult? x) => x == null ? "-" : (x.PeakRssKb / 1024.0).ToString("F0", CultureInfo.InvariantCulture);

    private string Gflops(Row r, BenchResult? x) => Gflops(r.Spec, x, peakGflops);

    /// <summary>"GFLOP/s (share of the peak)", "-" without timed work.</summary>
    public static string Gflops(BenchSpec spec, BenchResult? x, double peakGflops)
    {
        if (x == null || x.Seconds <= 0) return "-";
        double g = spec.AchievedGflops(x);
        return double.IsNaN(peakGflops) ? $"{g:F2}" : $"{g:F2} ({100 * g / peakGflops:F0}%)";
    }

    public string Table()
    {
        var header = new[] { "configuration", "ours tok/s", "TorchSharp tok/s", "ratio", "target", "PyTorch tok/s",
                             "ours GFLOP/s (% MKL peak)", "ours MiB", "TorchSharp MiB", "memory" };
        var lines = new List<string[]> { header };
        foreach (var r in rows)
        {
            var (need, label) = Target(r.Spec);
            string ratio = "-", met = label, memory = "-";
            if (r.Ours != null && r.Stock is { TokensPerSecond: > 0 })
            {
                double x = r.Ours.TokensPerSecond / r.Stock.TokensPerSecond;
                ratio = $"{x:F2}x";
                met = $"{label} {(x >= need ? "met" : "MISSED")}";
                memory = r.Ours.PeakRssKb <= r.Stock.PeakRssKb ? "met" : "MISSED";
            }
            lines.Add([r.Spec.Name, Tps(r.Ours), Tps(r.Stock), ratio, met, pythonOk ? Tps(r.Torch) : Unavailable,
                       Gflops(r, r.Ours), Mib(r.Ours), Mib(r.Stock), memory]);
        }
        return TextTable.Render(lines);
    }

    public void WriteMarkdown(string path, List<(string What, double Gflops)> peaks, string pythonNote, string load, string endLoad, string table)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## Results ({(quick ? "quick" : "full")} run, {DateTime.Now:yyyy-MM-dd HH:mm})").AppendLine();
        sb.AppendLine($"- CPU: {Machine.CpuModel()}, {Environment.ProcessorCount} cores; memory {Machine.MemoryGiB():F1} GiB");
        sb.AppendLine($"- TorchSharp libtorch {TorchRuntime.TorchVersion} (ours and stock TorchSharp); {(pythonOk ? "PyTorch " + pythonNote : Unavailable)}; " +
                      "PyTorch with OpenBLAS 1 thread; the same intra-op threads and OMP_WAIT_POLICY=PASSIVE on every side");
        sb.AppendLine($"- load average {load} at start, {endLoad} at end");
        foreach (var p in peaks) sb.AppendLine($"- matmul peak: {p.Gflops:F1} GFLOP/s ({p.What})");
        sb.AppendLine($"- GFLOP/s percentages are of the MKL peak, {peakGflops:F1} GFLOP/s").AppendLine();
        sb.AppendLine(table).AppendLine();
        sb.AppendLine("| configuration | side | seconds | tokens | positions | first loss | last loss |");
        sb.AppendLine("|---|---|--:|--:|--:|--:|--:|");
        foreach (var r in rows)
            foreach (var x in new[] { r.Ours, r.Stock, r.Torch })
                if (x != null)
                    sb.AppendLine($"| {r.Spec.Name} | {x.Side} | {x.Seconds:F3} | {x.Tokens} | {x.Positions} | {x.FirstLoss:F4} | {x.LastLoss:F4} |");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, sb.ToString());
    }

    public void WriteJson(string path, string load, string endLoad, string? pytorchVersion)
    {
        var machine = Machine.Json(load, endLoad, quick);
        machine["pytorch"] = pytorchVersion;
        var json = new JsonObject
        {
            ["machine"] = machine,
            ["peak_gflops"] = double.IsNaN(peakGflops) ? null : peakGflops,
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Spec.Name,
                ["ours"] = SideJson(r.Ours),
                ["torchsharp"] = SideJson(r.Stock),
                ["pytorch"] = SideJson(r.Torch),
            }).ToArray()),
        };
        WriteJson(path, json);
    }

    /// <summary>One side of a row: {"tokens_per_s": x, ["gflops": g,] "peak_mib": y}, null for a side that failed.</summary>
    public static JsonObject? SideJson(BenchResult? x, double? gflops = null)
    {
        if (x == null) return null;
        var side = new JsonObject { ["tokens_per_s"] = x.TokensPerSecond };
        if (gflops != null) side["gflops"] = gflops;
        side["peak_mib"] = Math.Round(x.PeakRssKb / 1024.0, 1);
        return side;
    }

    public static void WriteJson(string path, JsonObject json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}

internal static class Machine
{
    /// <summary>The machine block of the JSON files: CPU, cores, memory, load averages, libtorch, quick run or not.</summary>
    public static JsonObject Json(string load, string endLoad, bool quick) => new()
    {
        ["cpu"] = CpuModel(),
        ["cores"] = Environment.ProcessorCount,
        ["memory_gib"] = Math.Round(MemoryGiB(), 1),
        ["load_average_start"] = load,
        ["load_average_end"] = endLoad,
        ["libtorch"] = TorchRuntime.TorchVersion,
        ["quick"] = quick,
    };

    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    public static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
    }
}
