using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>Turns "cpu", "cuda", "cuda:N" or "auto" into a device this machine has, or says why not.</summary>
internal static class DeviceChoice
{
    internal const string CudaPackageHint =
        "CUDA needs the TorchSharp-cuda-linux or TorchSharp-cuda-windows runtime package (instead of TorchSharp-cpu) and an NVIDIA GPU";

    public static Device Resolve(string? name)
    {
        var text = string.IsNullOrEmpty(name) ? "cpu" : name;
        if (text == "auto") return cuda.is_available() ? new Device(DeviceType.CUDA, 0) : CPU;
        if (text == "cpu") return CPU;
        if (text != "cuda" && !text.StartsWith("cuda:", StringComparison.Ordinal))
            throw new ArgumentException($"device must be \"cpu\", \"cuda\", \"cuda:N\" or \"auto\", got \"{text}\"");
        int index = 0;
        if (text.Length > 5 && !int.TryParse(text.AsSpan(5), out index) || index < 0)
            throw new ArgumentException($"device must be \"cpu\", \"cuda\", \"cuda:N\" or \"auto\", got \"{text}\"");
        if (!cuda.is_available())
            throw new DeviceUnavailableException(
                $"device \"{text}\": CUDA is not available in this build or on this machine; use \"cpu\" or \"auto\". {CudaPackageHint}.");
        int count = cuda.device_count();
        if (index >= count)
            throw new DeviceUnavailableException($"device \"{text}\": there are only {count} CUDA devices");
        return new Device(DeviceType.CUDA, index);
    }

    /// <summary>PyTorch's spelling: "cpu" or "cuda:N".</summary>
    public static string Name(Device device) => device.type == DeviceType.CUDA ? $"cuda:{device.index}" : "cpu";
}
