using Microsoft.ML.SequenceLM;
using Microsoft.ML.SequenceLM.Samples;

// Runs one sample by name; with no name, the quick demo on the embedded corpus.
var samples = new Dictionary<string, (string Description, Action<string[]> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["demo"] = ("(default) character-level GRU on the embedded sonnets for ~1 minute, then generation [--seconds N] [--corpus FILE]",
        a => QuickDemo.Run(Option(a, "--corpus"), TimeSpan.FromSeconds(double.Parse(Option(a, "--seconds") ?? "60")))),
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
catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NativeLibraryMissingException
                              or InvalidCorpusException or ModelFormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static string? Option(string[] args, string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
