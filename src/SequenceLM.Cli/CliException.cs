namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>A problem the user can fix (bad option, missing file): printed as one line, no stack trace.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The tool's exit codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The command failed: missing or unreadable file, corrupt model, training error, missing libtorch.</summary>
    public const int Failure = 1;
    /// <summary>The command line is wrong: unknown command or option, bad option value.</summary>
    public const int Usage = 2;
    /// <summary>Interrupted with Ctrl+C before anything was saved.</summary>
    public const int Cancelled = 130;
}
