namespace Microsoft.ML.SequenceLM;

/// <summary>Why a model file could not be read.</summary>
public enum ModelFormatError
{
    /// <summary>The file is not a zip archive, or has no SequenceLM manifest.</summary>
    NotAModelFile,
    /// <summary>The file is truncated or damaged (zip error, size or SHA-256 mismatch, malformed manifest or entry).</summary>
    Corrupt,
    /// <summary>The file was written by a newer version of the library, in a format version this one cannot read.</summary>
    NewerFormatVersion,
    /// <summary>The file names a transform whose loader is not registered (see <see cref="TransformerLoaders"/>).</summary>
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
