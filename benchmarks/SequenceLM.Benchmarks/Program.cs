using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Benchmarks;

// SequenceLM.Benchmarks [--quick] [--only TEXT] [--markdown FILE] [--json FILE] [--data DIR] [--python PATH] [--threads N (default: cores)]
//   runs every configuration with our library, with stock TorchSharp and with benchmarks/pytorch/reference.py, each
//   side of each configuration in its own process, prints one table and writes it as markdown and as JSON.
// SequenceLM.Benchmarks --scaling [--quick] [--only TEXT] [--json FILE] [--data DIR] [--threads N]
//   how cost grows: training tokens/s and GFLOP/s of the LSTM (hidden 64-1024) and the transformer (width 64-512), ours
//   and stock TorchSharp; prints a table, writes FILE (default artifacts/benchmarks/scaling.json) and beside it
//   scaling-tokens.svg and scaling-gflops.svg (and .png where rsvg-convert is on PATH).
// SequenceLM.Benchmarks worker SPEC.json         (internal: one configuration with our library in this process)
// SequenceLM.Benchmarks stock-worker SPEC.json   (internal: one configuration with stock TorchSharp in this process)
// SequenceLM.Benchmarks bpe FILE [SIZE]          learns byte-level BPE of SIZE tokens (default 2,000) from FILE, prints the time
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 2 && args[0] is "worker" or "stock-worker")
{
    var spec = JsonSerializer.Deserialize<BenchSpec>(File.ReadAllText(args[1]), BenchSpec.Json)!;
    var result = (args[0] == "worker" ? OurWorker.Run(spec) : StockWorker.Run(spec)) with { PeakRssKb = OurWorker.PeakRssKb() };
    Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(BenchSpec.Json) { WriteIndented = false }));
    return 0;
}

if (args.Length is 2 or 3 && args[0] == "bpe")
    return BpeBenchmark.Run(args[1], args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000);

var options = HarnessOptions.Parse(args);
return new Harness(options).Run();

internal sealed record HarnessOptions(bool Quick, bool Scaling, string? Only, string Markdown, string Json, string DataDirectory, string Python, string RepoRoot, int Threads)
{
    public static HarnessOptions Parse(string[] args)
    {
        string repo = FindRepoRoot();
        bool quick = false, scaling = false;
        string? only = null;
        int threads = Environment.ProcessorCount;
        string markdown = Path.Combine(repo, "artifacts", "benchmarks", "results.md");
        string? json = null;
        string data = Environment.GetEnvironmentVariable("SEQUENCELM_DATA") ?? Path.GetFullPath(Path.Combine(repo, "..", "shared", "data"));
        string python = Environment.GetEnvironmentVariable("SEQUENCELM_BENCH_PYTHON") ?? "/usr/bin/python3";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--scaling": scaling = true; break;
                case "--only": only = args[++i]; break;
                case "--markdown": markdown = Path.GetFullPath(args[++i]); break;
                case "--json": json = Path.GetFullPath(args[++i]); break;
                case "--data": data = Path.GetFullPath(args[++i]); break;
                case "--python": python = args[++i]; break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}' (use --quick, --scaling, --only TEXT, --markdown FILE, --json FILE, --data DIR, --python PATH, --threads N)");
            }
        }
        // results.json goes next to the markdown file unless --json says otherwise; the scaling run has no markdown file
        json ??= scaling ? Path.Combine(repo, "artifacts", "benchmarks", "scaling.json") : Path.ChangeExtension(markdown, ".json");
        return new HarnessOptions(quick, scaling, only, markdown, json, data, python, repo, threads);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.SequenceLM.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
