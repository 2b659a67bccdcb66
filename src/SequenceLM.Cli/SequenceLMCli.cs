using System.Globalization;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Microsoft.ML.SequenceLM.Cli.Commands;

namespace Microsoft.ML.SequenceLM.Cli;

/// <summary>
/// The <c>sequencelm</c> command line: <c>train</c>, <c>sample</c>, <c>eval</c>, <c>info</c>. <see cref="Run"/> is the
/// whole program (tests call it in-process with string writers).
/// </summary>
public static class SequenceLMCli
{
    /// <summary>Prints the full exception (stack trace included) on errors.</summary>
    internal const string VerboseName = "--verbose";

    public static RootCommand CreateRootCommand(CliConsole console)
    {
        var root = new RootCommand(
            "sequencelm: train, sample, evaluate and inspect character- and word-level language models (RNN, GRU, LSTM, Transformer).")
        {
            TrainCommand.Create(console),
            SampleCommand.Create(console),
            EvalCommand.Create(console),
            InfoCommand.Create(console),
        };
        root.Options.Add(new Option<bool>(VerboseName, "-v") { Description = "Print full error details (stack traces).", Recursive = true });
        return root;
    }

    /// <summary>Parses and runs a command line; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, CliConsole console)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;   // numbers print and parse the same everywhere
        try
        {
            return RunInvariant(args, console);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static int RunInvariant(string[] args, CliConsole console)
    {
        var root = CreateRootCommand(console);
        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,   // every action handles its own errors (Guard)
            ProcessTerminationTimeout = null,        // Ctrl+C is handled by the train command (it saves the model so far)
        };
        if (args.Length == 0)
        {
            root.Parse("--help").Invoke(configuration);
            return ExitCodes.Usage;
        }
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction && parseResult.Errors.Count > 0)
        {
            var command = parseResult.CommandResult.Command;
            string path = command == root ? "sequencelm" : $"sequencelm {command.Name}";
            // "Required command was not provided" is less telling than "Unrecognized command or argument 'x'".
            var error = parseResult.Errors.OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal) ? 1 : 0).First();
            var message = OneLine(error.Message)
                .Replace("as expected type 'System.Int32'", "as a whole number").Replace("as expected type 'System.Int64'", "as a whole number")
                .Replace("as expected type 'System.Single'", "as a number");
            // Name the option when the parser's message does not ("Argument 'cnn' not recognized ...").
            var option = error.SymbolResult switch
            {
                OptionResult o => o.Option.Name,
                ArgumentResult { Parent: OptionResult o } => o.Option.Name,
                _ => null,
            };
            if (option != null && !message.Contains(option, StringComparison.Ordinal)) message = $"{option}: {message}";
            console.Error.WriteLine($"error: {message} (see '{path} --help')");
            return ExitCodes.Usage;
        }
        return parseResult.Invoke(configuration);
    }

    /// <summary>Runs a command body: user errors become one line on standard error and an exit code.</summary>
    internal static int Guard(CliConsole console, ParseResult parseResult, Func<int> body)
    {
        bool verbose = parseResult.GetValue<bool>(VerboseName);
        try
        {
            return body();
        }
        catch (Exception e)
        {
            var (message, code) = Describe(e);
            console.Error.WriteLine($"error: {message}");
            if (verbose) console.Error.WriteLine(e.ToString());
            else if (code == ExitCodes.Failure && e is not (CliException or IOException or UnauthorizedAccessException or ModelFormatException
                         or InvalidCorpusException or TorchRuntimeMissingException or DeviceUnavailableException))
                console.Error.WriteLine("       (run with --verbose for details)");
            return code;
        }
    }

    private static (string Message, int Code) Describe(Exception e) => e switch
    {
        CliException c => (OneLine(c.Message), c.ExitCode),
        OperationCanceledException => ("cancelled.", ExitCodes.Cancelled),
        ModelFormatException m => (OneLine(m.Message), ExitCodes.Failure),
        InvalidCorpusException c => (OptionNames.Rename(OneLine(c.Message)), ExitCodes.Failure),
        FileNotFoundException f => ($"file not found: {f.FileName ?? OneLine(f.Message)}", ExitCodes.Failure),
        ArgumentException a => (OptionNames.Describe(a), ExitCodes.Usage),
        _ => (OneLine(e.Message), ExitCodes.Failure),
    };

    /// <summary>An exception message on one line (the runtime appends "(Parameter 'x')" and "Actual value was y." lines).</summary>
    internal static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Actual value was", StringComparison.Ordinal));
        var text = string.Join(" ", lines);
        int parameter = text.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter > 0 ? text[..parameter] : text;
    }
}
