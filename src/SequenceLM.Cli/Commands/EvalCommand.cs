using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace Microsoft.ML.SequenceLM.Cli.Commands;

// Microsoft.ML has a namespace named Command, which the enclosing namespaces would find first.
using Command = System.CommandLine.Command;

/// <summary><c>sequencelm eval MODEL FILE</c>: cross-entropy, perplexity and bits per token of a model on a text.</summary>
internal sealed class EvalCommand
{
    private readonly Argument<string> ModelPath = new("model") { Description = "A model file saved by 'sequencelm train'." };
    private readonly Argument<string> File = new("file") { Description = "The text to evaluate on (read like the training text: one stream, or one sequence per line for lines models)." };

    public static Command Create(CliConsole console) => new EvalCommand().Build(console);

    private Command Build(CliConsole console)
    {
        var command = new Command("eval", "Evaluate a saved model on a text: perplexity, cross-entropy (nats/token), bits per token, token count.")
        {
            ModelPath, File,
        };
        command.SetAction(result => SequenceLMCli.Guard(console, result, () => Run(console, result)));
        return command;
    }

    private int Run(CliConsole console, ParseResult r)
    {
        var ml = new MLContext();
        using var file = ModelFile.Load(ml, r.GetValue(ModelPath)!);
        string path = CliOptions.ExistingFile(r.GetValue(File)!, "evaluation file");
        var data = ml.Data.LoadTextDocument(path, new TextDocumentOptions
        {
            Mode = file.IsPerLine ? TextDocumentMode.LinePerRow : TextDocumentMode.WholeDocument,
        });
        var clock = Stopwatch.StartNew();
        var metrics = ModelEvaluation.Evaluate(ml, file, data);
        var vocabulary = file.LanguageModel.Vocabulary;
        string unit = vocabulary.IsByteLevel ? "subword" : vocabulary.IsCharacterLevel ? "char" : "word";
        var inv = CultureInfo.InvariantCulture;
        console.Out.WriteLine($"model          {file.Path}");
        console.Out.WriteLine($"data           {path}");
        console.Out.WriteLine(($"tokens         {metrics.TokenCount:N0} ({unit}s{(metrics.UnknownTokenCount > 0 ? $", {metrics.UnknownTokenCount:N0} unknown to the vocabulary" : "")})"));
        console.Out.WriteLine(($"cross-entropy  {metrics.CrossEntropy:F4} nats/{unit}"));
        console.Out.WriteLine(($"bits/{unit,-9} {metrics.BitsPerToken:F4}"));
        if (!vocabulary.IsCharacterLevel) console.Out.WriteLine(($"bits/char      {metrics.BitsPerCharacter:F4} (over {metrics.Metrics.CharacterCount:N0} characters)"));
        console.Out.WriteLine(($"perplexity     {metrics.Perplexity:F3}"));
        console.Out.WriteLine(($"method         {metrics.Method} ({clock.Elapsed.TotalSeconds:F1} s)"));
        return ExitCodes.Success;
    }
}
