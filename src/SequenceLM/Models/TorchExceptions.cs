namespace Microsoft.ML.SequenceLM;

/// <summary>An operation in the tensor engine (TorchSharp / libtorch) failed; the message is libtorch's or ours.</summary>
public class TorchOperationException : Exception
{
    public TorchOperationException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The requested device (for example <c>cuda</c>) is not available on this machine or with this libtorch runtime.</summary>
public sealed class DeviceUnavailableException : TorchOperationException
{
    public DeviceUnavailableException(string message) : base(message) { }
}

/// <summary>
/// No libtorch runtime package is referenced by the application (or its native libraries could not be loaded).
/// The message names the package to add.
/// </summary>
public sealed class TorchRuntimeMissingException : Exception
{
    public TorchRuntimeMissingException(string message, Exception? inner = null) : base(message, inner) { }
}
