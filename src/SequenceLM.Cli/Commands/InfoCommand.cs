using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Microsoft.ML.SequenceLM.Cli.Commands;

// Microsoft.ML has a namespace named Command, which the enclosing namespaces would find first.
using Command = System.CommandLine.Command;

/// <summary><c>sequencelm info MODEL</c>: what a model file holds and how it was trained.</summary>
internal sealed class InfoCommand
{
    private readonly Argument<string> ModelPath = new("model") { Description = "A model file saved by 'sequencelm train' (or ml.Model.Save)." };
    private readonly Option<int> Tokens = CliOptions.Create<int>("--tokens", "How many vocabulary tokens to list.", "N").NonNegative();
    private readonly Option<int> Records = CliOptions.Create<int>("--records", "How many of the last training records to list.", "N").NonNegative();

    public static Command Create(CliConsole console) => new InfoCommand().Build(console);

    private Command Build(CliConsole console)
    {
        Tokens.DefaultValueFactory = _ => 40;
        Records.DefaultValueFactory = _ => 5;
        var command = new Command("info", "Show a model file's type, sizes, parameter count, vocabulary and training history.") { ModelPath, Tokens, Records };
        command.SetAction(result => SequenceLMCli.Guard(console, result, () => Run(console, result)));
        return command;
    }

    private int Run(CliConsole console, ParseResult r)
    {
        var ml = new MLContext();
        using var file = ModelFile.Load(ml, r.GetValue(ModelPath)!);
        var lm = file.LanguageModel;
        var c = lm.Config;
        var o = console.Out;
        var inv = CultureInfo.InvariantCulture;
        void Line(string key, string value) => o.WriteLine($"{key,-20}{value}");

        Line("file", $"{file.Path} ({new FileInfo(file.Path).Length:N0} bytes, ML.NET model zip)");
        Line("pipeline", string.Join(" -> ", file.Preprocessing.Select(Describe).Append(nameof(LanguageModelTransformer))));

        o.WriteLine();
        Line("model", c.Family switch
        {
            ModelFamily.Transformer => "transformer (decoder-only, causal self-attention)",
            ModelFamily.Bigram => "bigram (next-token table)",
            ModelFamily.Mlp => "mlp (embeddings of the context, tanh hidden layers)",
            ModelFamily.WaveNet => "wavenet (context fused pairwise, level by level)",
            _ => $"{c.FamilyName} (recurrent)",
        });
        Line("parameters", lm.ParameterCount.ToString("N0", inv));
        if (c.IsRecurrent)
        {
            Line("layers", c.NumberOfLayers.ToString(inv));
            Line("embedding", c.EmbeddingSize == 0 ? "one-hot" : c.EmbeddingSize.ToString(inv));
            Line("hidden", c.HiddenSize.ToString(inv));
        }
        else if (c.Family == ModelFamily.Transformer)
        {
            Line("layers", c.NumberOfLayers.ToString(inv));
            Line("width", c.HiddenSize.ToString(inv));
            Line("heads", c.NumberOfHeads.ToString(inv));
            Line("context", c.ContextLength.ToString(inv));
            Line("feed-forward", c.FeedForwardSize.ToString(inv));
            Line("positions", c.Positional.ToString().ToLowerInvariant());
            Line("biases", c.Bias ? "yes" : "no");
            Line("initialisation", c.Initialization == TransformerInitialization.Gpt2 ? "gpt2" : "pytorch");
            Line("gelu", c.Gelu == GeluApproximation.Tanh ? "tanh" : "exact");
        }
        else if (c.Family != ModelFamily.Bigram)
        {
            Line(c.Family == ModelFamily.Mlp ? "hidden layers" : "levels", c.NumberOfLayers.ToString(inv));
            Line("context", c.ContextLength.ToString(inv));
            Line("embedding", c.EmbeddingSize.ToString(inv));
            Line("hidden", c.HiddenSize.ToString(inv));
        }
        Line("dropout", c.Dropout.ToString("0.###", inv));
        Line("tied weights", c.TieWeights ? "yes" : "no");
        Line("device", lm.Device);
        var w = lm.TrainingWindows;
        Line("training windows", w.Mode == WindowMode.PerRow
            ? $"one sequence per line (per-row), batch {w.BatchSize}, at most {w.SequenceLength} tokens"
            : $"{w.Mode.ToString().ToLowerInvariant()}, batch {w.BatchSize} x {w.SequenceLength} tokens");

        o.WriteLine();
        var v = lm.Vocabulary;
        Line("vocabulary", $"{v.Count:N0} {v.TokenKind}" +
                           $" (reserved: {string.Join(" ", v.Tokens.Where((_, k) => v.IsReserved(k)).DefaultIfEmpty("none"))})");
        int show = Math.Min(r.GetValue(Tokens), v.Count);
        if (show > 0)
            Line($"first {show} tokens", string.Join(" ", v.Tokens.Take(show).Select(Show)) + (v.Count > show ? " …" : ""));

        o.WriteLine();
        var h = lm.History;
        Line("training", ($"{h.TotalSteps:N0} steps, {h.TotalSeconds:F1} s, {(h.Records.Count > 0 ? h.Records[^1].Epoch + 1 : 0)} epoch(s) begun"));
        Line("stopped", h.StopReason + (h.StopMessage is { Length: > 0 } m ? $": {m}" : ""));
        Line("best validation", h.BestValidationLoss is { } best
            ? ($"{best:F4} nats/token (perplexity {Math.Exp(best):F2}) at step {h.BestStep:N0}")
            : "none (trained without validation)");
        int last = Math.Min(r.GetValue(Records), h.Records.Count);
        if (last > 0)
        {
            o.WriteLine($"last {last} records:");
            o.WriteLine($"  {"step",10} {"epoch",6} {"train",8} {"valid",8} {"lr",10} {"tokens/s",10} {"time",8}");
            foreach (var rec in h.Records.Skip(h.Records.Count - last))
                o.WriteLine((
                    $"  {rec.Step,10:N0} {rec.Epoch + 1,6} {rec.TrainLoss,8:F4} {(rec.ValidationLoss is { } vl ? vl.ToString("F4", inv) : "-"),8} {rec.LearningRate,10:G3} {rec.TokensPerSecond,10:N0} {Durations.Format(TimeSpan.FromSeconds(rec.ElapsedSeconds)),8}"));
        }
        var g = lm.DefaultGenerationOptions;
        o.WriteLine();
        Line("generation", ($"max {g.MaxTokens} tokens, temperature {g.Temperature}, top-k {g.TopK}, top-p {g.TopP} (defaults; 'sequencelm sample' options override)"));
        return ExitCodes.Success;
    }

    private static string Describe(ITransformer t) => t switch
    {
        CharTokenizingTransformer ct => $"TokenizeChars(lower-case {Yes(ct.Options.LowerCase)}, {ct.Options.CharacterClass}, newlines {ct.Options.Newlines})",
        WordTokenizingTransformer wt => $"TokenizeWords({wt.Options.Separator}, punctuation {wt.Options.Punctuation}, lower-case {Yes(wt.Options.LowerCase)}" +
                                        (wt.Options.EndOfLineToken is { } eol ? $", {eol} at line ends)" : ")"),
        _ => t.GetType().Name,
    };

    private static string Yes(bool b) => b ? "yes" : "no";

    /// <summary>A token made visible: quotes around it, white space and control characters escaped.</summary>
    private static string Show(string token)
    {
        var s = new StringBuilder("'");
        foreach (var ch in token)
            s.Append(ch switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\'' => "\\'",
                _ when char.IsControl(ch) => $"\\u{(int)ch:x4}",
                _ => ch.ToString(),
            });
        return s.Append('\'').ToString();
    }
}
