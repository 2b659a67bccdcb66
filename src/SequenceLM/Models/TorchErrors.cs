using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>Turns libtorch's errors (TorchSharp raises them as <see cref="ExternalException"/>) into our typed exceptions.</summary>
internal static class TorchErrors
{
    public static Exception Translate(string operation, ExternalException e)
    {
        var message = e.Message.Split('\n', 2)[0].Trim();
        var text = $"{operation} failed: {message}";
        bool outOfMemory = message.Contains("can't allocate memory", StringComparison.OrdinalIgnoreCase) ||
                           message.Contains("out of memory", StringComparison.OrdinalIgnoreCase);
        return outOfMemory ? new InsufficientMemoryException(text, e) : new TorchOperationException(text, e);
    }
}
