namespace Microsoft.ML.SequenceLM;

/// <summary>An operation in the native layer (libtorch) failed; the message is libtorch's or ours.</summary>
public class NativeOperationException : Exception
{
    public NativeOperationException(string message) : base(message) { }
}

/// <summary>The requested device (for example <c>cuda</c>) is not available on this machine or in this libtorch build.</summary>
public sealed class DeviceUnavailableException : NativeOperationException
{
    public DeviceUnavailableException(string message) : base(message) { }
}

/// <summary>
/// The native library (libSequenceLMNative.so) or libtorch, which it needs, could not be found or loaded.
/// The message says which one and the command that installs it.
/// </summary>
public sealed class NativeLibraryMissingException : Exception
{
    public NativeLibraryMissingException(string message, Exception? inner = null) : base(message, inner) { }
}
