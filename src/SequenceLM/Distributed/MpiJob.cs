namespace Microsoft.ML.SequenceLM;

/// <summary>
/// This process's place in an Open MPI job, read from the variables mpirun sets (no MPI call): applications use it to
/// let rank 0 alone print and save. Outside mpirun the process is rank 0 of 1.
/// </summary>
public static class MpiJob
{
    /// <summary>This process's rank (0 to <see cref="Size"/> - 1).</summary>
    public static int Rank => Variable("OMPI_COMM_WORLD_RANK") ?? Variable("PMI_RANK") ?? 0;

    /// <summary>The number of processes in the job.</summary>
    public static int Size => Variable("OMPI_COMM_WORLD_SIZE") ?? Variable("PMI_SIZE") ?? 1;

    /// <summary>Processes of the job on this machine (they share its cores).</summary>
    public static int LocalSize => Variable("OMPI_COMM_WORLD_LOCAL_SIZE") ?? 1;

    /// <summary>Started by mpirun as one of several processes: training is data-parallel unless told otherwise.</summary>
    public static bool IsLaunched => Size > 1;

    private static int? Variable(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value >= 0 ? value : null;
}
