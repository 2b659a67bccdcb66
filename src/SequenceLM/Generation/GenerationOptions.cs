namespace Microsoft.ML.SequenceLM;

/// <summary>How text is sampled from a language model.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens generated per sample (the prompt not counted).</summary>
    public int MaxTokens { get; init; } = 200;
    /// <summary>Softmax temperature; 0 picks the most likely token every time (greedy).</summary>
    public float Temperature { get; init; } = 1f;
    /// <summary>Samples only among the k most likely tokens; 0 turns it off.</summary>
    public int TopK { get; init; }
    /// <summary>Samples only among the smallest set of tokens whose probability reaches p (nucleus); 1 turns it off.</summary>
    public float TopP { get; init; } = 1f;
    /// <summary>Seed of the sampler; the same seed, model and prompt give the same text. Null draws a fresh seed.</summary>
    public int? Seed { get; init; }
    /// <summary>Per-row models: ends a sample at the end-of-sequence token, which is not included in the text. (Stream models write it as a line break.)</summary>
    public bool StopAtEndOfSequence { get; init; } = true;
    /// <summary>Ends a sample when its text ends with one of these strings (not included in the text).</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = Array.Empty<string>();
    /// <summary>Includes the prompt at the start of the returned text.</summary>
    public bool IncludePrompt { get; init; }

    internal void Validate()
    {
        if (MaxTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, $"MaxTokens cannot be negative (got {MaxTokens}).");
        if (!(Temperature >= 0) || float.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, $"Temperature must be 0 (greedy) or positive (got {Temperature}).");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, $"TopK must be 0 (off) or positive (got {TopK}).");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, $"TopP must be in (0, 1] (got {TopP}).");
        if (StopStrings.Any(string.IsNullOrEmpty)) throw new ArgumentException("StopStrings cannot contain empty strings.", nameof(StopStrings));
    }
}
