using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>
/// <c>sequencelm train … --processes N</c>: runs the same command line (less <c>--processes</c>) as N processes under
/// Open MPI's mpirun on this machine, and returns mpirun's exit code. The processes find each other through mpirun's
/// environment and train data-parallel (<see cref="LanguageModelTrainerOptions.Distributed"/>).
/// </summary>
internal static class MpiLauncher
{
    /// <summary>
    /// SIGUSR1, which mpirun forwards to every process of the job: the train command stops after the current step when
    /// it arrives, and rank 0 saves (Ctrl+C itself would make mpirun end the job at once).
    /// </summary>
    public static readonly PosixSignal StopSignal = (PosixSignal)(OperatingSystem.IsMacOS() ? 30 : 10);

    public static int Run(CliConsole console, int processes, IReadOnlyList<string> arguments)
    {
        string mpirun = new[] { "/usr/bin/mpirun", "/usr/local/bin/mpirun", "/opt/homebrew/bin/mpirun" }.FirstOrDefault(File.Exists)
            ?? throw new CliException("--processes needs Open MPI's mpirun, which is not installed: apt-get install openmpi-bin libopenmpi-dev " +
                                      "(Debian/Ubuntu) or brew install open-mpi (macOS); or leave --processes out to train in one process.");
        // mpirun runs in a session of its own, so that Ctrl+C reaches this process alone and becomes StopSignal.
        const string setsid = "/usr/bin/setsid";
        var start = new ProcessStartInfo(File.Exists(setsid) ? setsid : mpirun) { UseShellExecute = false };
        if (File.Exists(setsid)) start.ArgumentList.Add(mpirun);
        start.Environment["TERM"] = "dumb";   // mpirun pipes their output: no terminal control codes from the processes
        // Each process takes cores / processes libtorch threads itself: no binding, and more processes than cores are allowed.
        foreach (var a in new[] { "-np", processes.ToString(), "--bind-to", "none", "--oversubscribe" }) start.ArgumentList.Add(a);
        if (Environment.IsPrivilegedProcess)
        {
            start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";   // mpirun refuses root without both
            start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        }
        var self = Environment.ProcessPath ?? throw new CliException("cannot tell which program is running, so it cannot be started under mpirun.");
        start.ArgumentList.Add(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(MpiLauncher).Assembly.Location);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        console.Out.WriteLine($"Starting {processes} processes with {mpirun}; rank 0 reports and saves.");
        console.Out.Flush();
        using var process = Process.Start(start) ?? throw new CliException($"could not start {mpirun}.");
        bool stopping = false;
        ConsoleCancelEventHandler wait = (_, e) =>
        {
            if (stopping) return;   // a second Ctrl+C ends this process; mpirun then ends the job
            stopping = e.Cancel = true;
            Console.Error.WriteLine("Stopping after the current step; rank 0 saves the model (Ctrl+C again ends at once).");
            if (Kill(process.Id, (int)StopSignal) != 0) process.Kill(entireProcessTree: true);
        };
        Console.CancelKeyPress += wait;
        try
        {
            process.WaitForExit();
        }
        finally
        {
            Console.CancelKeyPress -= wait;
        }
        return process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>The command line's tokens without <c>--processes N</c>, to run in each process.</summary>
    public static IReadOnlyList<string> WithoutOption(IReadOnlyList<string> tokens, string option)
    {
        var kept = new List<string>();
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] == option) { i++; continue; }
            if (tokens[i].StartsWith(option + "=", StringComparison.Ordinal) || tokens[i].StartsWith(option + ":", StringComparison.Ordinal)) continue;
            kept.Add(tokens[i]);
        }
        return kept;
    }
}
