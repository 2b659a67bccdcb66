using System.Text.RegularExpressions;

namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>Maps the library's option property names (in its validation messages) to this tool's option names.</summary>
internal static class OptionNames
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["EmbeddingSize"] = "--embedding",
        ["HiddenSize"] = "--hidden",
        ["NumberOfLayers"] = "--layers",
        ["NumberOfHeads"] = "--heads",
        ["Width"] = "--width",
        ["ContextLength"] = "--context",
        ["Smoothing"] = "--smoothing",
        ["Dropout"] = "--dropout",
        ["BatchSize"] = "--batch",
        ["SequenceLength"] = "--seq",
        ["Epochs"] = "--epochs",
        ["MaximumSteps"] = "--max-steps",
        ["TimeBudget"] = "--time",
        ["LearningRate"] = "--lr",
        ["ValidationFraction"] = "--validation",
        ["EvaluateEveryNSteps"] = "--eval-every",
        ["ReportEveryNSteps"] = "--report-every",
        ["GradientClipNorm"] = "--clip",
        ["WeightDecay"] = "--weight-decay",
        ["Beta1"] = "--beta1",
        ["Beta2"] = "--beta2",
        ["Epsilon"] = "--eps",
        ["TieWeights"] = "--head tied",
        ["Device"] = "--device",
        ["MaxTokens"] = "--max-tokens",
        ["Temperature"] = "--temperature",
        ["TopK"] = "--top-k",
        ["TopP"] = "--top-p",
    };

    /// <summary>"--batch must be positive (got 0)." for the library's "BatchSize must be positive (got 0).".</summary>
    public static string Describe(ArgumentException e)
    {
        var message = SequenceLMCli.OneLine(e.Message);
        var renamed = Rename(message);
        return renamed == message && e.ParamName is { } name && Flags.TryGetValue(name, out var flag) ? $"{flag}: {message}" : renamed;
    }

    /// <summary>Replaces the library's option names in a message by this tool's option names.</summary>
    public static string Rename(string message) =>
        Regex.Replace(message, @"\b[A-Z][A-Za-z]+\b", m => Flags.TryGetValue(m.Value, out var flag) ? flag : m.Value);
}
