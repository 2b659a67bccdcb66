namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The default input of a generation <c>PredictionEngine</c>: the prompt text and sampling settings.
/// Your own class works too when its properties have these names (or [ColumnName] attributes).
/// </summary>
public class Prompt
{
    /// <summary>Text that primes the model; empty starts a fresh sequence (e.g. a new name).</summary>
    public string Text { get; set; } = "";
    public int MaxTokens { get; set; } = 200;
    public float Temperature { get; set; } = 1f;
    public int TopK { get; set; }
    public float TopP { get; set; } = 1f;
    /// <summary>Seed of the sampler; 0 or negative draws a fresh one.</summary>
    public int Seed { get; set; }
    /// <summary>Ends the sample when its text ends with one of these strings (not included); null or empty: none.</summary>
    public string[]? StopStrings { get; set; }
}

/// <summary>The default output of a generation <c>PredictionEngine</c>.</summary>
public class Completion
{
    /// <summary>The generated text (without the prompt).</summary>
    public string Text { get; set; } = "";
    /// <summary>Number of tokens generated.</summary>
    public int TokenCount { get; set; }
}
