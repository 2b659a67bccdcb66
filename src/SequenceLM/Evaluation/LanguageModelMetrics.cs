namespace Microsoft.ML.SequenceLM;

/// <summary>
/// How well a language model predicts a text: cross-entropy per token and the figures derived from it.
/// <see cref="CharacterCount"/> is the number of characters the scored tokens stand for
/// (<see cref="Vocabulary.CharacterCount"/>), so <see cref="BitsPerCharacter"/> compares models whatever their tokens.
/// </summary>
public sealed record LanguageModelMetrics(double CrossEntropy, long TokenCount, long CharacterCount = 0)
{
    /// <summary>exp(cross-entropy): the effective number of equally likely next tokens.</summary>
    public double Perplexity => Math.Exp(CrossEntropy);

    /// <summary>Cross-entropy in bits (bits per character for character models).</summary>
    public double BitsPerToken => CrossEntropy / Math.Log(2);

    /// <summary>
    /// The total bits over the characters the scored tokens stand for: comparable across characters, words and
    /// subwords (NaN when <see cref="CharacterCount"/> is 0).
    /// </summary>
    public double BitsPerCharacter => CharacterCount > 0 ? BitsPerToken * TokenCount / CharacterCount : double.NaN;

    public override string ToString() =>
        $"cross-entropy {CrossEntropy:F4} nats/token, perplexity {Perplexity:F2}, {BitsPerToken:F4} bits/token, {BitsPerCharacter:F4} bits/char over {TokenCount:N0} tokens ({CharacterCount:N0} characters)";
}
