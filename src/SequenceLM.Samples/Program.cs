using System.Globalization;
using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Samples;

// Runs one sample by name; with no name, the quick demo on the embedded corpus.
var samples = new Dictionary<string, (string Description, Action<string[]> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["demo"] = ("(default) character-level GRU on the embedded sonnets for ~1 minute, then generation [--seconds N] [--corpus FILE]",
        a => QuickDemo.Run(Option(a, "--corpus"), TimeSpan.FromSeconds(double.Parse(Option(a, "--seconds") ?? "60")))),
    ["anna"] = ("character-level LSTM 2x512 (seq 100, batch 128) on anna.txt [--minutes N (10)] [--data FOLDER]",
        a => AnnaSample.Run(Option(a, "--data"), Minutes(a, 10))),
    ["ptb"] = ("word-level GRU on ptb.valid.txt, test perplexity on ptb.test.txt [--minutes N (5)] [--data FOLDER]",
        a => PtbSample.Run(Option(a, "--data"), Minutes(a, 5))),
    ["names"] = ("per-line GRU on names.txt, then 20 names, each seen-in-training or new [--minutes N (2)] [--data FOLDER]",
        a => NamesSample.Run(Option(a, "--data"), Minutes(a, 2))),
    ["transformer"] = ("character-level Transformer on timemachine.txt [--minutes N (5)] [--data FOLDER]",
        a => TransformerSample.Run(Option(a, "--data"), Minutes(a, 5))),
    ["save-load"] = ("train a tiny model, save, load, and generate the same text from both [--seconds N (5)]",
        a => SaveLoadSample.Run(double.Parse(Option(a, "--seconds") ?? "5", CultureInfo.InvariantCulture))),
};

string name = args.Length > 0 && !args[0].StartsWith("--") ? args[0] : "demo";
string[] rest = args.Length > 0 && !args[0].StartsWith("--") ? args[1..] : args;
if (name is "help" or "-h" || rest.Contains("--help") || !samples.TryGetValue(name, out var sample))
{
    if (name is not ("help" or "-h") && !rest.Contains("--help")) Console.Error.WriteLine($"Unknown sample '{name}'.");
    Console.WriteLine("Usage: SequenceLM.Samples [sample] [options]\nSamples:");
    foreach (var (key, value) in samples) Console.WriteLine($"  {key,-12} {value.Description}");
    return name is "help" or "-h" || rest.Contains("--help") ? 0 : 2;
}
try
{
    sample.Run(rest);
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or IOException or TorchRuntimeMissingException
                              or InvalidCorpusException or ModelFormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static double Minutes(string[] args, double defaultMinutes) =>
    double.Parse(Option(args, "--minutes") ?? defaultMinutes.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

static string? Option(string[] args, string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
