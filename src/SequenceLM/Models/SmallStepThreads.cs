using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// Runs a small training step's libtorch operations on the calling thread alone, restoring the thread count when
/// disposed. At makemore sizes every operation is microseconds of work, and handing part of it to a second intra-op
/// thread (waking it, waiting for it) costs more than it saves: names-gru-64 trained 20-34% faster on one thread
/// (docs/performance.md). libtorch's OpenMP thread count is per calling thread; MKL's is process-wide, so a product
/// on another thread meanwhile may run on one thread too (speed only, never results).
/// </summary>
internal readonly struct SmallStepThreads : IDisposable
{
    /// <summary>Parameters x positions of a step below which it runs on one thread (names-gru-64: 29k x 329 = 9.5M).</summary>
    public const long SerialWork = 20_000_000;

    private readonly int _restore;

    private SmallStepThreads(int restore) => _restore = restore;

    /// <summary>Switches to one thread for a CPU step of <paramref name="work"/> parameters x positions under <see cref="SerialWork"/>.</summary>
    public static SmallStepThreads For(long work, Device device)
    {
        if (work >= SerialWork || device.type != DeviceType.CPU) return default;
        int threads = get_num_threads();
        if (threads <= 1) return default;
        set_num_threads(1);
        return new SmallStepThreads(threads);
    }

    public void Dispose()
    {
        if (_restore > 0) set_num_threads(_restore);
    }
}
