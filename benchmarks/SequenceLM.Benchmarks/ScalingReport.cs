using System.Globalization;
using System.Text.Json.Nodes;

namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>
/// The scaling run's outputs (how cost grows with the model's width): a table on stdout; scaling.json,
/// {"machine": {...}, "peak_gflops": x, "rows": [{"family": "lstm", "size": 64, "name": "...", "timed_steps": n, "vocab": v,
/// "flops_per_token": f, "ours": {"tokens_per_s": x, "gflops": g, "peak_mib": y}, "torchsharp": {...}}]} (null for a
/// side that failed); and beside it scaling-tokens.svg and scaling-gflops.svg, plus PNGs where rsvg-convert is on PATH.
/// </summary>
internal sealed class ScalingReport(List<Row> rows, double peakGflops, bool quick)
{
    private static readonly (string Family, string Label)[] Families = [("lstm", "LSTM"), ("transformer", "Transformer")];

    public void Write(string jsonPath, string load, string endLoad)
    {
        Console.WriteLine();
        Console.WriteLine(Table());
        WriteJson(jsonPath, load, endLoad);
        var folder = Path.GetDirectoryName(jsonPath)!;
        string shape = rows.Count > 0 ? $"batch {rows[0].Spec.Batch} x {rows[0].Spec.Sequence} tokens" : "no rows";
        var tokens = WriteChart(Path.Combine(folder, "scaling-tokens.svg"), SvgChart.Lines(Series((_, x) => x.TokensPerSecond, withPeak: false),
            $"How cost grows: training tokens/s ({shape})", "hidden size (LSTM) / width (Transformer), units, log2 scale",
            "training tokens/s (log scale)", AxisScale.Log2, AxisScale.Log10));
        var gflops = WriteChart(Path.Combine(folder, "scaling-gflops.svg"), SvgChart.Lines(Series((s, x) => s.AchievedGflops(x), withPeak: true),
            $"How cost grows: training GFLOP/s ({shape})", "hidden size (LSTM) / width (Transformer), units, log2 scale",
            "matrix-product GFLOP/s (forward + backward = 3x forward)", AxisScale.Log2));
        Console.WriteLine($"\nwritten to {jsonPath}, {string.Join(", ", tokens.Concat(gflops))}");
    }

    public string Table()
    {
        var lines = new List<string[]>
        {
            new[] { "configuration", "size", "timed steps", "ours tok/s", "TorchSharp tok/s", "ratio",
                    "ours GFLOP/s (% MKL peak)", "TorchSharp GFLOP/s (% MKL peak)", "ours MiB", "TorchSharp MiB" },
        };
        foreach (var r in rows)
        {
            string ratio = r.Ours != null && r.Stock is { TokensPerSecond: > 0 } ? $"{r.Ours.TokensPerSecond / r.Stock.TokensPerSecond:F2}x" : "-";
            lines.Add([r.Spec.Name, r.Spec.Hidden.ToString(CultureInfo.InvariantCulture), r.Spec.Steps.ToString(CultureInfo.InvariantCulture),
                       ResultsReport.Tps(r.Ours), ResultsReport.Tps(r.Stock), ratio,
                       ResultsReport.Gflops(r.Spec, r.Ours, peakGflops), ResultsReport.Gflops(r.Spec, r.Stock, peakGflops),
                       ResultsReport.Mib(r.Ours), ResultsReport.Mib(r.Stock)]);
        }
        return TextTable.Render(lines);
    }

    private void WriteJson(string path, string load, string endLoad)
    {
        ResultsReport.WriteJson(path, new JsonObject
        {
            ["machine"] = Machine.Json(load, endLoad, quick),
            ["peak_gflops"] = double.IsNaN(peakGflops) ? null : peakGflops,
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["family"] = r.Spec.Family,
                ["size"] = r.Spec.Hidden,
                ["name"] = r.Spec.Name,
                ["timed_steps"] = r.Spec.Steps,
                ["vocab"] = r.Spec.Vocab,
                ["flops_per_token"] = r.Spec.FlopsPerPosition(),
                ["ours"] = ResultsReport.SideJson(r.Ours, r.Ours == null ? null : r.Spec.AchievedGflops(r.Ours)),
                ["torchsharp"] = ResultsReport.SideJson(r.Stock, r.Stock == null ? null : r.Spec.AchievedGflops(r.Stock)),
            }).ToArray()),
        });
    }

    /// <summary>Per family, ours solid and stock TorchSharp dashed in the family's colour; optionally the MKL peak as a grey line.</summary>
    private List<(string Label, string Colour, bool Dashed, List<(double X, double Y)> Points)> Series(Func<BenchSpec, BenchResult, double> metric, bool withPeak)
    {
        var series = new List<(string, string, bool, List<(double, double)>)>();
        for (int f = 0; f < Families.Length; f++)
        {
            var (family, label) = Families[f];
            var familyRows = rows.Where(r => r.Spec.Family == family).ToList();
            foreach (var (side, dashed, sideLabel) in new (Func<Row, BenchResult?>, bool, string)[]
                     { (r => r.Ours, false, "ours (solid)"), (r => r.Stock, true, "stock TorchSharp (dashed)") })
            {
                var points = familyRows.Where(r => side(r) != null).Select(r => ((double)r.Spec.Hidden, metric(r.Spec, side(r)!))).ToList();
                series.Add(($"{label}, {sideLabel}", SvgChart.Colour(f), dashed, points));
            }
        }
        if (withPeak && !double.IsNaN(peakGflops) && rows.Count > 0)
        {
            var sizes = rows.Select(r => (double)r.Spec.Hidden).ToList();
            series.Add(($"MKL matmul peak ({peakGflops:F1} GFLOP/s)", "#888888", false, [(sizes.Min(), peakGflops), (sizes.Max(), peakGflops)]));
        }
        return series;
    }

    /// <summary>Writes the SVG and, where rsvg-convert is on PATH, a PNG beside it; returns the files written.</summary>
    private static List<string> WriteChart(string svgPath, string svg)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(svgPath)!);
        File.WriteAllText(svgPath, svg);
        var written = new List<string> { svgPath };
        if (!OnPath("rsvg-convert")) return written;
        var png = Path.ChangeExtension(svgPath, ".png");
        var (code, _, stderr) = Harness.Exec("rsvg-convert", ["-o", png, svgPath], null, TimeSpan.FromMinutes(1));
        if (code == 0) written.Add(png);
        else Console.WriteLine($"rsvg-convert failed for {svgPath} (exit {code}): {stderr.Trim()}");
        return written;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}
