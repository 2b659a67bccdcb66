using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// What an engine and its generation sessions share: the module on its device and the lock around it. Reading
/// (evaluation, generation, copying weights out) takes the lock shared, training and writes exclusive. The engine and
/// every session hold a reference; the module is freed when the last one is released, so disposing the engine while
/// another thread generates lets that generation finish.
/// </summary>
internal sealed class ModelCore
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.SupportsRecursion);
    private int _references = 1;

    public ModelCore(LanguageModel net, Device device, in ModelSettings settings)
    {
        Net = net;
        Device = device;
        Settings = settings;
        Parameters = net.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
        var buffers = net.BuffersAreState ? net.named_buffers() : Enumerable.Empty<(string name, Tensor buffer)>();
        State = Parameters.Select(p => (p.Name, (Tensor)p.Parameter)).Concat(buffers.Select(b => (b.name, b.buffer))).ToArray();
    }

    public LanguageModel Net { get; }
    public Device Device { get; }
    public ModelSettings Settings { get; }
    /// <summary>named_parameters() in order, under PyTorch's names.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }
    /// <summary>What the weights file holds: the parameters, then the buffers that are state (batch norm's running statistics).</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> State { get; }

    /// <summary>libtorch's default generator is process-wide: seeding it and drawing from it (initialisation,
    /// dropout) happen under this lock, so that models trained at once on several threads get what their seeds promise.</summary>
    public static readonly object RandomGate = new();

    public Access Read() => new(_lock, write: false);
    public Access Write() => new(_lock, write: true);

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        using (Write()) Net.Dispose();
    }

    /// <summary>Holds the lock until disposed.</summary>
    public readonly struct Access : IDisposable
    {
        private readonly ReaderWriterLockSlim _lock;
        private readonly bool _write;

        public Access(ReaderWriterLockSlim gate, bool write)
        {
            _lock = gate;
            _write = write;
            if (write) gate.EnterWriteLock();
            else gate.EnterReadLock();
        }

        public void Dispose()
        {
            if (_write) _lock.ExitWriteLock();
            else _lock.ExitReadLock();
        }
    }
}
