using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests;

/// <summary>
/// Base class for tests: test output, the shared corpora (<see cref="DataPath"/>) and temporary files that are
/// deleted when the test ends.
/// </summary>
public abstract class TestBase : IDisposable
{
    private readonly List<string> _temp = new();

    protected TestBase(ITestOutputHelper output) => Output = output;

    /// <summary>Test output (shown for failing tests and with detailed logging).</summary>
    protected ITestOutputHelper Output { get; }

    /// <summary>The repository root: the folder holding Microsoft.ML.SequenceLM.sln, found from the test binaries upwards.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The full path of a corpus in <c>../shared/data</c> relative to the repository root.</summary>
    public static string DataPath(string file)
    {
        var path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", file));
        if (!File.Exists(path)) throw new FileNotFoundException($"Corpus '{file}' not found at {path}.", path);
        return path;
    }

    /// <summary>Reads the first <paramref name="chars"/> characters of a shared corpus.</summary>
    public static string ReadDataSlice(string file, int chars)
    {
        using var reader = new StreamReader(DataPath(file));
        var buffer = new char[chars];
        int n = reader.ReadBlock(buffer, 0, chars);
        return new string(buffer, 0, n);
    }

    /// <summary>A new empty temporary directory, deleted after the test.</summary>
    protected string CreateTempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sequencelm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _temp.Add(dir);
        return dir;
    }

    /// <summary>Writes <paramref name="content"/> to a temporary file and returns its path.</summary>
    protected string WriteTempFile(string content, string name = "data.txt")
    {
        var path = Path.Combine(CreateTempDirectory(), name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes raw bytes to a temporary file and returns its path.</summary>
    protected string WriteTempFile(byte[] content, string name = "data.bin")
    {
        var path = Path.Combine(CreateTempDirectory(), name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.SequenceLM.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Microsoft.ML.SequenceLM.sln not found above {AppContext.BaseDirectory}.");
    }

    public void Dispose()
    {
        foreach (var d in _temp)
        {
            try { Directory.Delete(d, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        GC.SuppressFinalize(this);
    }
}
