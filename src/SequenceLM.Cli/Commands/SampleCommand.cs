using System.CommandLine;

namespace Microsoft.ML.SequenceLM.Cli.Commands;

// Microsoft.ML has a namespace named Command, which the enclosing namespaces would find first.
using Command = System.CommandLine.Command;

/// <summary><c>sequencelm sample MODEL</c>: generates text from a saved model.</summary>
internal sealed class SampleCommand
{
    private readonly Argument<string> ModelPath = new("model") { Description = "A model file saved by 'sequencelm train' (or ml.Model.Save)." };
    private readonly Option<string> PromptText = CliOptions.Create<string>("--prompt",
        "Text the samples continue. Lines models: the start of the line (empty: a whole new line).", "TEXT", "-p");
    private readonly Option<int> Count = CliOptions.Create<int>("--count", "Number of samples. [default: 1, lines models 10]", "N", "-n").Positive();
    private readonly Option<float> Temperature = CliOptions.Create<float>("--temperature",
        "Softmax temperature; 0 is greedy (always the most likely token), higher is more varied.", "T", "-t").NonNegative();
    private readonly Option<int> TopK = CliOptions.Create<int>("--top-k", "Sample among the K most likely tokens only; 0 turns it off.", "K").NonNegative();
    private readonly Option<float> TopP = CliOptions.Create<float>("--top-p", "Nucleus sampling: among the most likely tokens up to probability P; 1 turns it off.", "P").Probability();
    private readonly Option<int> Seed = CliOptions.Create<int>("--seed", "Seed of the sampler (sample i uses seed+i): the same seed gives the same text.", "N").Positive();
    private readonly Option<int> MaxTokens = CliOptions.Create<int>("--max-tokens", "Most tokens generated per sample. [default: 200, lines models 100]", "N").Positive();

    public static Command Create(CliConsole console) => new SampleCommand().Build(console);

    private Command Build(CliConsole console)
    {
        PromptText.DefaultValueFactory = _ => "";
        Temperature.DefaultValueFactory = _ => 1f;
        TopK.DefaultValueFactory = _ => 0;
        TopP.DefaultValueFactory = _ => 1f;
        var command = new Command("sample", "Generate text from a saved model.") { ModelPath, PromptText, Count, Temperature, TopK, TopP, Seed, MaxTokens };
        command.SetAction(result => SequenceLMCli.Guard(console, result, () => Run(console, result)));
        return command;
    }

    private int Run(CliConsole console, ParseResult r)
    {
        var ml = new MLContext();
        using var file = ModelFile.Load(ml, r.GetValue(ModelPath)!);
        bool perLine = file.IsPerLine;
        int count = r.Given(Count) ?? (perLine ? 10 : 1);
        int maxTokens = r.Given(MaxTokens) ?? (perLine ? 100 : 200);
        int? seed = r.Given(Seed);
        string prompt = r.GetValue(PromptText) ?? "";
        var engine = ml.Model.CreatePredictionEngine<Prompt, Completion>(file.Model);
        for (int i = 0; i < count; i++)
        {
            var completion = engine.Predict(new Prompt
            {
                Text = prompt,
                MaxTokens = maxTokens,
                Temperature = r.GetValue(Temperature),
                TopK = r.GetValue(TopK),
                TopP = r.GetValue(TopP),
                Seed = seed is { } s ? unchecked(s + i) : 0,
            });
            if (perLine)
            {
                console.Out.WriteLine(prompt + completion.Text);
            }
            else
            {
                if (i > 0) console.Out.WriteLine();
                console.Out.WriteLine(prompt + completion.Text);
            }
        }
        return ExitCodes.Success;
    }
}
