using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Benchmarks;

/// <summary>
/// The scaling mode of the benchmark harness (<c>benchmarks/run.sh --scaling --quick</c>) writes scaling.json with a row
/// per family and size, GFLOP/s that follow the FLOP formula, and the two charts. Not a timed test: speeds are only
/// required to be positive.
/// </summary>
public sealed class ScalingBenchmarkTests(ITestOutputHelper output) : TestBase(output)
{
    private static readonly string[] SeriesLabels =
        ["LSTM, ours (solid)", "LSTM, stock TorchSharp (dashed)", "Transformer, ours (solid)", "Transformer, stock TorchSharp (dashed)"];

    [Fact]
    public void QuickScalingRunWritesRowsPerSizeAndTheCharts()
    {
        var folder = CreateTempDirectory();
        var json = Path.Combine(folder, "scaling.json");
        // The solution build that precedes the tests has built the harness; rebuilding here would cost more than the run.
        var (code, text) = BenchmarkScript.Run(Output, ["--scaling", "--quick", "--json", json]);

        Assert.Equal(0, code);
        Assert.Contains("| configuration", text);
        Assert.DoesNotContain("   pytorch", text); // the scaling run has no PyTorch side
        var report = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.True(report["peak_gflops"]!.GetValue<double>() > 0);
        var rows = report["rows"]!.AsArray().Select(r => r!).ToList();
        Assert.Equal(["lstm 16", "lstm 32", "transformer 16", "transformer 32"],
            rows.Select(r => $"{r["family"]!.GetValue<string>()} {r["size"]!.GetValue<long>()}").ToArray());

        foreach (var row in rows)
        {
            double flopsPerToken = row["flops_per_token"]!.GetValue<double>();
            foreach (var side in new[] { "ours", "torchsharp" })
            {
                var result = row[side];
                Assert.NotNull(result);
                double tokensPerSecond = result["tokens_per_s"]!.GetValue<double>();
                Assert.True(tokensPerSecond > 0, $"{row["name"]} {side}: tokens/s {tokensPerSecond}");
                // every position of a stream batch is a trained token, so GFLOP/s = tokens/s x FLOPs per token
                Assert.Equal(tokensPerSecond * flopsPerToken / 1e9, result["gflops"]!.GetValue<double>(), 1e-9 * tokensPerSecond * flopsPerToken);
                Assert.True(result["peak_mib"]!.GetValue<double>() > 0);
            }
        }
        foreach (var family in new[] { "lstm", "transformer" })
        {
            var flops = rows.Where(r => r["family"]!.GetValue<string>() == family).Select(r => r["flops_per_token"]!.GetValue<double>()).ToList();
            Assert.True(flops[1] > flops[0], $"{family}: the wider model must cost more FLOPs per token ({flops[0]} -> {flops[1]})");
        }
        // the char-LSTM's training FLOPs: 3 x (two layers of 2·4·H·(input + H), one-hot input of V, and the head 2·H·V)
        foreach (var row in rows.Where(r => r["family"]!.GetValue<string>() == "lstm"))
        {
            double h = row["size"]!.GetValue<long>(), v = row["vocab"]!.GetValue<long>();
            Assert.Equal(3 * (8 * h * (v + h) + 8 * h * (h + h) + 2 * h * v), row["flops_per_token"]!.GetValue<double>(), 1e-6);
        }

        // four lines (ours and stock per family); the GFLOP/s chart also draws the MKL peak
        foreach (var (chart, lines) in new[] { ("scaling-tokens.svg", 4), ("scaling-gflops.svg", 5) })
        {
            var svg = File.ReadAllText(Path.Combine(folder, chart));
            Assert.StartsWith("<svg", svg);
            foreach (var label in SeriesLabels) Assert.Contains(label, svg);
            Assert.Contains("hidden size (LSTM) / width (Transformer)", svg);
            Assert.Equal(lines, svg.Split("<polyline").Length - 1);
        }
    }
}
