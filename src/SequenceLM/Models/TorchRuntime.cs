using Microsoft.ML.SequenceLM.Models;
using TorchSharp;

namespace Microsoft.ML.SequenceLM;

/// <summary>Facts about, and settings of, the libtorch runtime under the library (TorchSharp).</summary>
public static class TorchRuntime
{
    internal const string RuntimePackageHint =
        "Add a libtorch runtime package to the application: TorchSharp-cpu (any machine), or TorchSharp-cuda-linux / " +
        "TorchSharp-cuda-windows for NVIDIA GPUs (dotnet add package TorchSharp-cpu --version 0.107.0)";

    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>The libtorch version TorchSharp runs on, e.g. "2.10.0.0".</summary>
    public static string TorchVersion
    {
        get
        {
            EnsureLoaded();
            return torch.__version__;
        }
    }

    /// <summary>Number of CUDA devices libtorch can use (0 with the CPU runtime or on a machine without a GPU).</summary>
    public static int CudaDeviceCount
    {
        get
        {
            EnsureLoaded();
            return torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        }
    }

    /// <summary>
    /// libtorch's intra-op threads. Defaults to all cores, shared out among the processes of an MPI job on this machine
    /// (<see cref="MpiJob.LocalSize"/>); set to 0 to go back to that default.
    /// </summary>
    public static int Threads
    {
        get
        {
            EnsureLoaded();
            return torch.get_num_threads();
        }
        set
        {
            EnsureLoaded();
            torch.set_num_threads(value > 0 ? value : DefaultThreads);
        }
    }

    /// <summary>
    /// Loads libtorch once (with intra-op threads = cores / local MPI processes, OpenMP threads waiting passively) and turns a missing runtime package into a
    /// <see cref="TorchRuntimeMissingException"/>. Every engine entry point calls it before touching a tensor.
    /// </summary>
    internal static void EnsureLoaded()
    {
        if (Volatile.Read(ref _loaded)) return;
        lock (Gate)
        {
            if (_loaded) return;
            OpenMpWaitPolicy.PreferPassive();
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (IsLoadFailure(e))
            {
                throw Missing(e);
            }
            torch.set_num_threads(DefaultThreads);
            _loaded = true;
        }
    }

    private static int DefaultThreads => Math.Max(1, Environment.ProcessorCount / MpiJob.LocalSize);

    internal static bool IsLoadFailure(Exception e) =>
        e is NotSupportedException or InvalidOperationException or DllNotFoundException or TypeInitializationException
            or EntryPointNotFoundException or BadImageFormatException;

    internal static TorchRuntimeMissingException Missing(Exception loadFailure)
    {
        var detail = loadFailure.Message.Split('\n', 2)[0].Trim();
        return new TorchRuntimeMissingException(
            $"libtorch could not be loaded: no libtorch runtime package is present, or its native libraries failed to load ({detail}). " +
            $"{RuntimePackageHint}. On Debian 12, also run build/debian12/make-torchsharp-load.sh after restoring.", loadFailure);
    }
}
