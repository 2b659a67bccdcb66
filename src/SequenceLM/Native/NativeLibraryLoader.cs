using System.Reflection;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SequenceLM.Native;

/// <summary>
/// Finds libSequenceLMNative.so next to the assembly (or in a NuGet runtimes/ folder) and turns every way loading
/// can fail into a <see cref="NativeLibraryMissingException"/> that names what is missing and how to install it.
/// </summary>
internal static class NativeLibraryLoader
{
    internal const string FileName = "libSequenceLMNative.so";
    internal const string SetupHint =
        "Install libtorch and build the native layer with: bash build/setup.sh && dotnet build " +
        "(or, outside this repository: apt-get install libtorch-dev libopenblas0-pthread)";

    private static readonly object Gate = new();
    private static bool _initialized;

    private static bool _resolverRegistered;

    private static void RegisterResolver()
    {
        if (_resolverRegistered) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
        _resolverRegistered = true;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.LibraryName) return IntPtr.Zero;
        return Load(CandidateDirectories());
    }

    internal static IEnumerable<string> CandidateDirectories()
    {
        var assemblyDir = Path.GetDirectoryName(typeof(NativeLibraryLoader).Assembly.Location);
        foreach (var dir in new[] { AppContext.BaseDirectory, assemblyDir })
        {
            if (string.IsNullOrEmpty(dir)) continue;
            yield return dir;
            yield return Path.Combine(dir, "runtimes", "linux-x64", "native");
        }
        var overrideDir = Environment.GetEnvironmentVariable("SEQUENCELM_NATIVE_DIR");
        if (!string.IsNullOrEmpty(overrideDir)) yield return overrideDir;
    }

    /// <summary>Loads the library from the first directory that has it; throws with a clear message otherwise.</summary>
    internal static IntPtr Load(IEnumerable<string> directories)
    {
        var searched = new List<string>();
        foreach (var dir in directories)
        {
            var path = Path.Combine(dir, FileName);
            searched.Add(dir);
            if (!File.Exists(path)) continue;
            try
            {
                return NativeLibrary.Load(path);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw new NativeLibraryMissingException(DescribeLoadFailure(path, e.Message), e);
            }
        }
        throw new NativeLibraryMissingException(
            $"The native library {FileName} was not found (searched: {string.Join(", ", searched.Distinct())}). " +
            $"It is built from native/ by 'dotnet build'. {SetupHint}.");
    }

    private static string DescribeLoadFailure(string path, string loaderMessage)
    {
        var dependency = loaderMessage.Contains("libtorch", StringComparison.Ordinal) ||
                         loaderMessage.Contains("libc10", StringComparison.Ordinal)
            ? "libtorch, which it needs, is not installed"
            : "it could not be loaded";
        return $"The native library {path} was found but {dependency} ({loaderMessage.Trim()}). {SetupHint}.";
    }

    /// <summary>Loads the library once, checks its ABI version and applies the thread settings.</summary>
    internal static void EnsureInitialized()
    {
        if (Volatile.Read(ref _initialized)) return;
        lock (Gate)
        {
            if (_initialized) return;
            RegisterResolver();
            int abi;
            try
            {
                abi = NativeMethods.AbiVersion();
            }
            catch (DllNotFoundException e)
            {
                throw new NativeLibraryMissingException(
                    $"The native library {FileName} could not be loaded ({e.Message}). {SetupHint}.", e);
            }
            catch (EntryPointNotFoundException e)
            {
                throw new NativeLibraryMissingException(
                    $"{FileName} is not a SequenceLM native library of this version ({e.Message}). Rebuild it with 'dotnet build'.", e);
            }
            if (abi != NativeMethods.ExpectedAbiVersion)
                throw new NativeLibraryMissingException(
                    $"{FileName} has ABI version {abi} but this assembly needs {NativeMethods.ExpectedAbiVersion}. Rebuild it with 'dotnet build'.");
            _initialized = true;
        }
    }
}
