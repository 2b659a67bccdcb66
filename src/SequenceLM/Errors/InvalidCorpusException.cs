namespace Microsoft.ML.SequenceLM;

/// <summary>
/// The training text cannot be used: it is empty, or shorter than one batch of windows. The message says how many
/// tokens there are, how many are needed and what to change.
/// </summary>
public class InvalidCorpusException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidCorpusException(string message, long tokenCount = 0, long requiredTokens = 0, Exception? innerException = null)
        : base(message, innerException)
    {
        TokenCount = tokenCount;
        RequiredTokens = requiredTokens;
    }

    /// <summary>The number of tokens found.</summary>
    public long TokenCount { get; }

    /// <summary>The number of tokens needed (0 when not applicable).</summary>
    public long RequiredTokens { get; }
}

/// <summary>A text file is not valid in its encoding (by default strict UTF-8). Names the file and the byte offset.</summary>
public sealed class InvalidTextEncodingException : InvalidCorpusException
{
    /// <summary>Creates the exception.</summary>
    public InvalidTextEncodingException(string filePath, long byteOffset, string encodingName, Exception? innerException = null)
        : base($"File '{filePath}' is not valid {encodingName}: invalid byte sequence at byte offset {byteOffset}. " +
               $"Convert the file to {encodingName}, or set {nameof(TextDocumentOptions)}.{nameof(TextDocumentOptions.Encoding)} to the file's encoding.",
               innerException: innerException)
    {
        FilePath = filePath;
        ByteOffset = byteOffset;
    }

    /// <summary>The file that could not be decoded.</summary>
    public string FilePath { get; }

    /// <summary>The offset in bytes, from the start of the file, of the first invalid byte sequence (-1 when unknown).</summary>
    public long ByteOffset { get; }
}
