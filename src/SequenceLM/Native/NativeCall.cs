using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Native;

/// <summary>Turns native status codes into typed managed exceptions carrying libtorch's message.</summary>
internal static class NativeCall
{
    internal static void Check(NativeStatus status, string operation)
    {
        if (status == NativeStatus.Ok) return;
        var message = Marshal.PtrToStringUTF8(NativeMethods.LastError()) ?? "(no message)";
        var text = $"{operation} failed: {message}";
        throw status switch
        {
            NativeStatus.InvalidArgument => new ArgumentException(text),
            NativeStatus.DeviceUnavailable => new DeviceUnavailableException(text),
            NativeStatus.OutOfMemory => new InsufficientMemoryException(text),
            _ => new NativeOperationException(text),
        };
    }
}
