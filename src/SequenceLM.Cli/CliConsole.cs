using Spectre.Console;

namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>
/// Where the tool writes: standard output (results, plain progress lines), standard error (errors), and whether
/// output goes to a terminal, in which case training shows a live progress bar instead of plain lines.
/// Tests pass string writers, which makes the output plain.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, IAnsiConsole? terminal = null)
    {
        Out = output;
        Error = error;
        Terminal = terminal;
    }

    /// <summary>Results and plain progress lines.</summary>
    public TextWriter Out { get; }

    /// <summary>Error messages.</summary>
    public TextWriter Error { get; }

    /// <summary>The terminal for live progress, or null when output is redirected (or in tests).</summary>
    public IAnsiConsole? Terminal { get; }

    /// <summary>The process's console: live progress when standard output is an interactive terminal.</summary>
    public static CliConsole System()
    {
        bool interactive = !Console.IsOutputRedirected
                           && Environment.GetEnvironmentVariable("TERM") is not "dumb"
                           && Environment.GetEnvironmentVariable("CI") is null or ""
                           && AnsiConsole.Profile.Capabilities.Interactive;
        return new CliConsole(Console.Out, Console.Error, interactive ? AnsiConsole.Console : null);
    }
}
