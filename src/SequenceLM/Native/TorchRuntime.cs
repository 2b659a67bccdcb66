using System.Runtime.InteropServices;
using Microsoft.ML.SequenceLM.Native;

namespace Microsoft.ML.SequenceLM;

/// <summary>Facts about, and settings of, the libtorch runtime under the library.</summary>
public static class TorchRuntime
{
    /// <summary>The libtorch version the native layer was built against, e.g. "1.13.1".</summary>
    public static string TorchVersion
    {
        get
        {
            NativeLibraryLoader.EnsureInitialized();
            return Marshal.PtrToStringUTF8(NativeMethods.TorchVersion()) ?? "unknown";
        }
    }

    /// <summary>Number of CUDA devices libtorch can use (0 on a CPU-only build or machine).</summary>
    public static int CudaDeviceCount
    {
        get
        {
            NativeLibraryLoader.EnsureInitialized();
            return NativeMethods.CudaDeviceCount();
        }
    }

    /// <summary>
    /// libtorch's intra-op threads. Defaults to all cores; OpenBLAS is pinned to one thread so the two pools do not
    /// compete (measured 2-3x faster here). Set to 0 to go back to all cores.
    /// </summary>
    public static int Threads
    {
        get
        {
            NativeLibraryLoader.EnsureInitialized();
            return NativeMethods.GetNumThreads();
        }
        set
        {
            NativeLibraryLoader.EnsureInitialized();
            NativeMethods.SetNumThreads(value);
        }
    }
}
