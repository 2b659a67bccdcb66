using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// The memory of a contiguous float32 CPU tensor, for loops in C# over it. TorchSharp offers no pointer of its own
/// (its accessor copies), so this asks LibTorchSharp, the native library TorchSharp has already loaded.
/// </summary>
internal static unsafe class TensorMemory
{
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    public static bool IsReadable(Tensor t) => t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous();

    /// <summary>The tensor's first element; valid while the tensor lives and keeps its storage.</summary>
    public static float* Floats(Tensor t) => (float*)THSTensor_data(t.Handle);
}
