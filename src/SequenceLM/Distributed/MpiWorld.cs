using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Distributed;

/// <summary>
/// This process's place in the MPI job (all the processes mpirun started): MPI is initialised on first use and
/// finalised when the process exits. When mpirun ends the job because another process died, the SIGTERM it sends is
/// answered with a line saying so, and MPI is not finalised (that would wait for the dead process).
/// </summary>
internal sealed class MpiWorld
{
    private static readonly object Gate = new();
    private static MpiWorld? _joined;
    private readonly MpiLibrary _mpi;
    private volatile bool _ending;
    private PosixSignalRegistration? _terminate;

    private MpiWorld(MpiLibrary mpi)
    {
        _mpi = mpi;
        Rank = mpi.Rank;
        Size = mpi.Size;
    }

    public int Rank { get; }
    public int Size { get; }
    public MpiLibrary Calls => _mpi;

    /// <summary>Initialises MPI once per process (later calls return the same world).</summary>
    public static MpiWorld Join()
    {
        lock (Gate)
        {
            if (_joined != null) return _joined;
            var mpi = MpiLibrary.Load();
            if (!mpi.IsInitialized) mpi.Initialize();
            var world = new MpiWorld(mpi);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => world.FinalizeOnExit();
            world._terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => world.OnTerminate());
            return _joined = world;
        }
    }

    /// <summary>Prints <paramref name="message"/> and ends every process of the job (MPI_Abort).</summary>
    public void Abort(string message, int code = 1)
    {
        _ending = true;
        Console.Error.WriteLine($"sequencelm rank {Rank}/{Size}: {message}");
        Console.Error.Flush();
        _mpi.Abort(code);
    }

    private void OnTerminate()
    {
        _ending = true;
        Console.Error.WriteLine(
            $"sequencelm rank {Rank}/{Size}: training stopped because mpirun is ending the job (a process failed or was killed, or the job was interrupted). " +
            "Resume from the last checkpoint (ResumeFromCheckpoint) with the same global batch.");
        Console.Error.Flush();
    }

    private void FinalizeOnExit()
    {
        if (_ending || _mpi.IsFinalized) return;
        _mpi.Shutdown();
    }
}
