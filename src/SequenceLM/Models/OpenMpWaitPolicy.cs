using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Models;

/// <summary>
/// libtorch's OpenMP threads (libgomp) busy-wait between parallel regions by default. When the machine is shared and a
/// thread is descheduled, every parallel region waits for it: measured here under load, a GRU training step took 4.7 s
/// with spinning threads and 0.35 s with OMP_WAIT_POLICY=PASSIVE (the same as with one thread). libgomp reads the
/// variable once, when it loads, from the process environment (which <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach), so it is set with libc's setenv before libtorch loads, unless the user set it.
/// </summary>
internal static partial class OpenMpWaitPolicy
{
    private const string Variable = "OMP_WAIT_POLICY";

    public static void PreferPassive()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return;
        if (Environment.GetEnvironmentVariable(Variable) is not null) return;
        SetEnvironment(Variable, "PASSIVE", overwrite: 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
