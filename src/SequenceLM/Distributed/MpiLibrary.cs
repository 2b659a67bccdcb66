using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Distributed;

/// <summary>
/// The MPI calls data-parallel training needs, bound at run time to the system's Open MPI (<c>libmpi.so.40</c>,
/// Debian's <c>libopenmpi3</c>). Open MPI's handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>, …) are
/// the addresses of objects the library exports, so they are looked up here rather than written as constants.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    private static readonly string[] Names = { "libmpi.so.40", "libmpi.so", "libmpi.40.dylib", "libmpi.dylib" };
    private const int ThreadSerialized = 2;   // MPI_THREAD_SERIALIZED in Open MPI's mpi.h
    private static readonly nint InPlace = 1; // MPI_IN_PLACE in Open MPI's mpi.h

    private readonly nint _world, _float, _double, _sum;
    private readonly delegate* unmanaged<int*, nint, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int*, int> _initialized, _finalized;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<nint, int*, int> _rank, _size;
    private readonly delegate* unmanaged<nint, nint, int, nint, nint, nint, int> _allReduce;
    private readonly delegate* unmanaged<nint, int, nint, int, nint, int> _broadcast;
    private readonly delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, int> _gather;
    private readonly delegate* unmanaged<nint, int, int> _abort;

    private MpiLibrary(nint library)
    {
        nint Export(string name) => NativeLibrary.GetExport(library, name);
        _world = Export("ompi_mpi_comm_world");
        _float = Export("ompi_mpi_float");
        _double = Export("ompi_mpi_double");
        _sum = Export("ompi_mpi_op_sum");
        _initThread = (delegate* unmanaged<int*, nint, int, int*, int>)Export("MPI_Init_thread");
        _initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        _finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        _rank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        _size = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        _allReduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, int>)Export("MPI_Allreduce");
        _broadcast = (delegate* unmanaged<nint, int, nint, int, nint, int>)Export("MPI_Bcast");
        _gather = (delegate* unmanaged<nint, int, nint, nint, int, nint, int, nint, int>)Export("MPI_Gather");
        _abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
    }

    /// <summary>Loads Open MPI, or throws <see cref="DistributedTrainingException"/> saying what to install.</summary>
    public static MpiLibrary Load()
    {
        var failures = new List<string>();
        foreach (var name in Names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) { failures.Add(name); continue; }
            if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
                throw new DistributedTrainingException(
                    $"'{name}' is an MPI library other than Open MPI (MPICH or Intel MPI?); distributed training runs on Open MPI. " +
                    "Install it (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) and launch with its mpirun.");
            return new MpiLibrary(handle);
        }
        throw new DistributedTrainingException(
            $"Distributed training needs Open MPI, but its library could not be loaded (tried {string.Join(", ", failures)}). " +
            "Install it (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; macOS: brew install open-mpi), or set Distributed = false.");
    }

    public bool IsInitialized { get { int flag; Check(_initialized(&flag), "MPI_Initialized"); return flag != 0; } }

    public bool IsFinalized { get { int flag; Check(_finalized(&flag), "MPI_Finalized"); return flag != 0; } }

    /// <summary>MPI_Init_thread with MPI_THREAD_SERIALIZED: MPI is called from one thread at a time, not always the same one.</summary>
    public void Initialize()
    {
        int provided;
        Check(_initThread(null, 0, ThreadSerialized, &provided), "MPI_Init_thread");
        if (provided < ThreadSerialized)
            throw new DistributedTrainingException(
                $"This Open MPI provides thread level {provided}; training needs MPI_THREAD_SERIALIZED ({ThreadSerialized}). Use an Open MPI built with thread support (Debian's is).");
    }

    public void Shutdown() => Check(_finalize(), "MPI_Finalize");

    public int Rank { get { int r; Check(_rank(_world, &r), "MPI_Comm_rank"); return r; } }

    public int Size { get { int s; Check(_size(_world, &s), "MPI_Comm_size"); return s; } }

    public void SumInPlace(Span<float> values)
    {
        fixed (float* p = values) Check(_allReduce(InPlace, (nint)p, values.Length, _float, _sum, _world), "MPI_Allreduce");
    }

    public void Broadcast(Span<float> values, int root)
    {
        fixed (float* p = values) Check(_broadcast((nint)p, values.Length, _float, root, _world), "MPI_Bcast");
    }

    public void Broadcast(Span<double> values, int root)
    {
        fixed (double* p = values) Check(_broadcast((nint)p, values.Length, _double, root, _world), "MPI_Bcast");
    }

    /// <summary>Every process sends <paramref name="mine"/>; <paramref name="all"/> (root only) receives them in rank order.</summary>
    public void Gather(ReadOnlySpan<float> mine, Span<float> all, int root)
    {
        fixed (float* s = mine)
        fixed (float* r = all)
            Check(_gather((nint)s, mine.Length, _float, (nint)r, mine.Length, _float, root, _world), "MPI_Gather");
    }

    /// <summary>Ends every process of the job (mpirun reports which one called it and the code).</summary>
    public void Abort(int code) => _abort(_world, code);

    private static void Check(int result, string call)
    {
        // Open MPI's default error handler (MPI_ERRORS_ARE_FATAL) ends the job before a failure returns; this is a backstop.
        if (result != 0) throw new DistributedTrainingException($"{call} failed with MPI error {result}.");
    }
}
