namespace Microsoft.ML.SequenceLM;

/// <summary>How well a language model predicts a text: cross-entropy and the figures derived from it.</summary>
public sealed record LanguageModelMetrics(double CrossEntropy, long TokenCount)
{
    /// <summary>exp(cross-entropy): the effective number of equally likely next tokens.</summary>
    public double Perplexity => Math.Exp(CrossEntropy);

    /// <summary>Cross-entropy in bits (bits per character for character models).</summary>
    public double BitsPerToken => CrossEntropy / Math.Log(2);

    public override string ToString() =>
        $"cross-entropy {CrossEntropy:F4} nats/token, perplexity {Perplexity:F2}, {BitsPerToken:F4} bits/token over {TokenCount:N0} tokens";
}
