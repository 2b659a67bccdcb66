namespace Microsoft.ML.SequenceLM;

/// <summary>A token is not in a <see cref="Vocabulary"/> that has no <c>&lt;unk&gt;</c> token to map it to.</summary>
public sealed class UnknownTokenException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public UnknownTokenException(string token, int vocabularySize)
        : base($"Token '{token}' is not in the vocabulary ({vocabularySize} tokens), which has no {Vocabulary.UnknownToken} token. " +
               $"Build the vocabulary with {nameof(VocabularyOptions)}.{nameof(VocabularyOptions.AddUnknownToken)} = true, or remove the token from the input.")
        => Token = token;

    /// <summary>Creates the exception for a missing key (the token is not known).</summary>
    internal UnknownTokenException(string message) : base(message) => Token = "";

    /// <summary>The unknown token (empty for a missing key).</summary>
    public string Token { get; }
}
