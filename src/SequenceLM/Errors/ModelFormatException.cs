namespace Microsoft.ML.SequenceLM;

/// <summary>Why a model file could not be read.</summary>
public enum ModelFormatError
{
    /// <summary>The file is not a zip archive, or not an ML.NET model zip.</summary>
    NotAModelFile,
    /// <summary>The file is truncated or damaged (zip error, CRC-32, length or SHA-256 mismatch, malformed entry).</summary>
    Corrupt,
    /// <summary>The file was written by a newer version of the library, in a format version this one cannot read.</summary>
    NewerFormatVersion,
    /// <summary>The file needs a component whose loader (or its assembly) cannot be found.</summary>
    UnknownTransform,
    /// <summary>An entry is larger than the limit allowed for it.</summary>
    EntryTooLarge,
    /// <summary>An entry a transform needs is absent.</summary>
    MissingEntry,
    /// <summary>The file was written in a format version older than the oldest this version of the library reads.</summary>
    OlderFormatVersion,
}

/// <summary>A model file is not a valid SequenceLM model, or cannot be read by this version; see <see cref="Reason"/>.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException(ModelFormatError reason, string message, Exception? innerException = null)
        : base(message, innerException) => Reason = reason;

    /// <summary>Why the file could not be read.</summary>
    public ModelFormatError Reason { get; }
}
