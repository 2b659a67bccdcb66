using System.Diagnostics;

namespace Microsoft.ML.SequenceLM.Tests.Persistence;

/// <summary>Runs SequenceLM.Tests.SaveVictim in a fresh process.</summary>
internal static class SaveVictimProcess
{
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SequenceLM.Tests.SaveVictim.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Runs it to completion and returns its output lines.</summary>
    public static IReadOnlyList<string> Run(params string[] args)
    {
        using var process = Start(args);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000)) process.Kill(entireProcessTree: true);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"SaveVictim {string.Join(' ', args)} exited with {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The rest of the line that starts with <paramref name="key"/> and a space.</summary>
    public static string Value(this IReadOnlyList<string> lines, string key) =>
        lines.Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[(key.Length + 1)..];
}
