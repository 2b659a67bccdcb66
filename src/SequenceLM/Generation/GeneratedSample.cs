namespace Microsoft.ML.SequenceLM;

/// <summary>Why a generated sample ended.</summary>
public enum GenerationStopReason
{
    MaxTokens,
    EndOfSequence,
    StopString,
}

/// <summary>
/// One generated sample: its text, keys and why it stopped; for per-row models also whether it repeats a training or
/// validation row or is new.
/// </summary>
public sealed record GeneratedSample(string Prompt, string Text, long[] Keys, GenerationStopReason StopReason)
{
    public SampleOrigin Origin { get; init; }
}
