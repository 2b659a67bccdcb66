namespace Microsoft.ML.SequenceLM;

/// <summary>How <see cref="LanguageModelCatalog.Evaluate"/> walks the text.</summary>
public sealed class EvaluationOptions
{
    /// <summary>
    /// Parallel streams the text is split into (PTB practice evaluates with 10). Recurrent models carry their state
    /// along each stream across windows; 1 scores the whole text as one sequence.
    /// </summary>
    public int BatchSize { get; set; } = 10;

    /// <summary>Tokens per window; defaults to the training sequence length (a Transformer's context at most).</summary>
    public int? SequenceLength { get; set; }
}
