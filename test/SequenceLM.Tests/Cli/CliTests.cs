using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.SequenceLM.Cli;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Cli;

/// <summary>
/// The sequencelm tool run in-process (its real entry point, with string writers instead of the console) on tiny
/// generated corpora: train → info → sample → eval, lines models, and the error paths.
/// </summary>
public sealed class CliTests(ITestOutputHelper output) : TestBase(output)
{
    private static readonly string[] Words = "the cat sat on a mat and the dog ran to the log while birds sang in the tree".Split(' ');

    private static string Sentences(int count, int seed = 1)
    {
        var rand = new Random(seed);
        return string.Join("\n", Enumerable.Range(0, count).Select(_ =>
            string.Join(" ", Enumerable.Range(0, rand.Next(4, 9)).Select(_ => Words[rand.Next(Words.Length)])) + "."));
    }

    private static string Names(int count, int seed = 2)
    {
        var rand = new Random(seed);
        string[] starts = ["an", "el", "mar", "jo", "li", "sa", "em"], ends = ["na", "la", "ia", "o", "an", "ie", "y"];
        return string.Join("\n", Enumerable.Range(0, count).Select(_ => starts[rand.Next(starts.Length)] + ends[rand.Next(ends.Length)]));
    }

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = SequenceLMCli.Run(args, new CliConsole(stdout, stderr));
        Output.WriteLine($"$ sequencelm {string.Join(" ", args)}  -> {code}\n{stdout}{stderr}");
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] TinyGru = ["--hidden", "48", "--layers", "1", "--embedding", "16", "--seq", "32", "--batch", "8",
        "--lr", "0.01", "--dropout", "0", "--device", "cpu", "--seed", "1"];

    [Fact]
    public void TrainInfoSampleEvalOnACharCorpus()
    {
        var dir = CreateTempDirectory();
        var corpus = Path.Combine(dir, "corpus.txt");
        File.WriteAllText(corpus, Sentences(150));
        var model = Path.Combine(dir, "model.zip");

        var train = Run([.. new[] { "train", corpus, "--max-steps", "60", "--eval-every", "20", "--validation", "0.1", "-o", model }, .. TinyGru]);
        Assert.Equal(0, train.Code);
        Assert.Equal("", train.Err);
        Assert.True(File.Exists(model));
        Assert.Contains("val ", train.Out);                          // plain progress lines (output is not a terminal)
        Assert.Contains("StepBudget", train.Out);
        Assert.Contains($"Saved {model}", train.Out);

        var info = Run("info", model);
        Assert.Equal(0, info.Code);
        Assert.Matches(@"model\s+gru \(recurrent\)", info.Out);
        Assert.Matches(@"parameters\s+[\d,]+", info.Out);
        Assert.Matches(@"vocabulary\s+\d+ characters", info.Out);
        Assert.Matches(@"training\s+60 steps", info.Out);
        Assert.Matches(@"best validation\s+\d+\.\d+ nats/token", info.Out);
        Assert.Contains("last 5 records:", info.Out);

        var first = Run("sample", model, "--prompt", "the ", "--count", "2", "--max-tokens", "40", "--seed", "7");
        var again = Run("sample", model, "--prompt", "the ", "--count", "2", "--max-tokens", "40", "--seed", "7");
        Assert.Equal(0, first.Code);
        Assert.Equal(first.Out, again.Out);                          // same seed, same text
        var samples = first.Out.Split("\n\n");
        Assert.Equal(2, samples.Length);
        Assert.All(samples, s => Assert.StartsWith("the ", s));

        var eval = Run("eval", model, corpus);
        Assert.Equal(0, eval.Code);
        double ce = Number(eval.Out, @"cross-entropy\s+([\d.]+) nats/char");
        double bits = Number(eval.Out, @"bits/char\s+([\d.]+)");
        double ppl = Number(eval.Out, @"perplexity\s+([\d.]+)");
        long tokens = (long)Number(eval.Out, @"tokens\s+([\d,]+)");
        Assert.Equal(File.ReadAllText(corpus).Length - 1, tokens);   // every character but the first is predicted
        Assert.InRange(ce, 0.1, 2.5);                                // well under uniform (ln 25 = 3.2) after 60 steps
        Assert.Equal(ce / Math.Log(2), bits, 3);
        Assert.Equal(Math.Exp(ce), ppl, 2);
    }

    [Fact]
    public void LinesModelSamplesOneLinePerSampleAndEvaluatesExactly()
    {
        var dir = CreateTempDirectory();
        var names = Path.Combine(dir, "names.txt");
        File.WriteAllText(names, Names(300));
        var model = Path.Combine(dir, "names.zip");

        var train = Run([.. new[] { "train", names, "--mode", "lines", "--max-steps", "40", "--validation", "0", "-o", model }, .. TinyGru]);
        Assert.Equal(0, train.Code);
        Assert.Matches(@"training windows\s+one sequence per line", Run("info", model).Out);

        var sample = Run("sample", model, "--count", "5", "--seed", "3");
        Assert.Equal(0, sample.Code);
        var lines = sample.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(5, lines.Length);                               // one name per line, each ended by <eos>
        Assert.All(lines, l => Assert.DoesNotContain("<", l));

        var eval = Run("eval", model, names);
        Assert.Equal(0, eval.Code);
        // Per line: every character and the end of the line are predicted.
        long expected = File.ReadAllLines(names).Sum(l => (long)l.Length + 1);
        Assert.Equal(expected, (long)Number(eval.Out, @"tokens\s+([\d,]+)"));
        Assert.Contains("one sequence per line", eval.Out);
    }

    [Fact]
    public void EvaluationOfALinesModelMatchesTheTrainersValidationLoss()
    {
        // Per-line cross-entropy is exact, so it must equal the trainer's own validation loss on the same lines.
        var ml = new MLContext(seed: 1);
        var dir = CreateTempDirectory();
        var names = Path.Combine(dir, "names.txt");
        File.WriteAllText(names, Names(200, seed: 5));
        var lines = new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow };
        var data = ml.Data.LoadTextDocument(names, lines);
        var tokenizer = ml.Transforms.TokenizeChars();
        using var model = tokenizer.Append(ml.LanguageModels().Trainers.Gru(new GruOptions
        {
            EmbeddingSize = 16, HiddenSize = 32, NumberOfLayers = 1, BatchSize = 16, SequenceLength = 32, Epochs = 2,
            WindowMode = WindowMode.PerRow, Dropout = 0, Device = "cpu",
            ValidationData = tokenizer.Fit(data).Transform(data),
        })).Fit(data);
        var path = Path.Combine(dir, "names.zip");
        ml.Model.Save(model, data.Schema, path);

        using var file = ModelFile.Load(ml, path);
        var metrics = ModelEvaluation.Evaluate(ml, file, ml.Data.LoadTextDocument(names, lines));
        Output.WriteLine($"validation {model.LastTransformer.History.BestValidationLoss:F6}, eval {metrics.CrossEntropy:F6}");
        Assert.Equal(model.LastTransformer.History.BestValidationLoss!.Value, metrics.CrossEntropy, 4);
    }

    [Fact]
    public void EvaluationOfATransformerWithinOneContextMatchesTheTrainersValidationLoss()
    {
        // A validation text of SequenceLength + 1 tokens is one window for the trainer and one forward pass for eval.
        var ml = new MLContext(seed: 1);
        var dir = CreateTempDirectory();
        string text = Sentences(60), held = text[..33];
        var data = ml.Data.LoadTextDocument(WriteTempFile(text));
        var validationPath = Path.Combine(dir, "held.txt");
        File.WriteAllText(validationPath, held);
        var tokenizer = ml.Transforms.TokenizeChars();
        using var model = tokenizer.Append(ml.LanguageModels().Trainers.Transformer(new TransformerOptions
        {
            Width = 32, NumberOfHeads = 2, NumberOfLayers = 1, SequenceLength = 32, BatchSize = 8, MaximumSteps = 30, Epochs = 100,
            Dropout = 0, Device = "cpu", EvaluateEveryNSteps = 30,
            ValidationData = tokenizer.Fit(data).Transform(ml.Data.LoadTextDocument(validationPath)),
        })).Fit(data);
        var path = Path.Combine(dir, "transformer.zip");
        ml.Model.Save(model, data.Schema, path);

        using var file = ModelFile.Load(ml, path);
        var metrics = ModelEvaluation.Evaluate(ml, file, ml.Data.LoadTextDocument(validationPath));
        Output.WriteLine($"validation {model.LastTransformer.History.BestValidationLoss:F6}, eval {metrics.CrossEntropy:F6}");
        Assert.Equal(32, metrics.TokenCount);
        Assert.Equal(model.LastTransformer.History.BestValidationLoss!.Value, metrics.CrossEntropy, 4);
    }

    [Fact]
    public void TrainsAWordLevelTransformer()
    {
        var dir = CreateTempDirectory();
        var corpus = Path.Combine(dir, "words.txt");
        File.WriteAllText(corpus, Sentences(200));
        var model = Path.Combine(dir, "words.zip");
        var train = Run("train", corpus, "--model", "transformer", "--level", "word", "--width", "32", "--heads", "2", "--layers", "1",
            "--context", "32", "--seq", "16", "--batch", "8", "--max-steps", "20", "--device", "cpu", "-o", model);
        Assert.Equal(0, train.Code);
        var info = Run("info", model);
        Assert.Matches(@"context\s+32", info.Out);
        Assert.Matches(@"vocabulary\s+\d+ words", info.Out);
        Assert.Contains("<eos> at line ends", info.Out);
        var sample = Run("sample", model, "--prompt", "the cat", "--max-tokens", "5", "--seed", "1");
        Assert.Equal(0, sample.Code);
        Assert.StartsWith("the cat ", sample.Out);
        var eval = Run("eval", model, corpus);
        Assert.Equal(0, eval.Code);
        Assert.Contains("nats/word", eval.Out);
    }

    [Theory]
    [InlineData("bigram", new string[0])]
    [InlineData("bigram", new[] { "--smoothing", "1" })]
    [InlineData("mlp", new[] { "--context", "4", "--embedding", "8", "--hidden", "32" })]
    [InlineData("wavenet", new[] { "--context", "4", "--embedding", "8", "--hidden", "32" })]
    public void TrainsTheFixedContextRungsOnLines(string family, string[] sizes)
    {
        var dir = CreateTempDirectory();
        var corpus = Path.Combine(dir, "names.txt");
        File.WriteAllText(corpus, Names(300));
        var model = Path.Combine(dir, family + ".zip");
        var train = Run([.. new[] { "train", corpus, "--model", family, "--mode", "lines", "--max-steps", "40", "--batch", "16",
            "--device", "cpu", "--seed", "1", "-o", model }, .. sizes]);
        Assert.Equal(0, train.Code);
        Assert.Contains($"Trained {family}", train.Out);
        var info = Run("info", model);
        Assert.Matches($@"model\s+{family} \(", info.Out);
        var sample = Run("sample", model, "--count", "5", "--seed", "1");
        Assert.Equal(0, sample.Code);
        Assert.Equal(5, sample.Out.Count(c => c == '\n')); // one name per line
    }

    [Theory]
    [InlineData("wavenet", "--context", "6")]     // not a power of two
    [InlineData("gru", "--smoothing", "1")]       // a bigram option
    [InlineData("bigram", "--hidden", "32")]      // a bigram has no hidden layer
    [InlineData("wavenet", "--layers", "2")]      // levels follow --context
    public void FixedContextRungsRejectOptionsThatDoNotApply(string family, string option, string value)
    {
        var corpus = WriteTempFile(Names(50));
        var (code, stdout, stderr) = Run("train", corpus, "--model", family, "--mode", "lines", option, value);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(option, line);
    }

    [Fact]
    public void TransformerRecipeOptionsReachTheModel()
    {
        var dir = CreateTempDirectory();
        var corpus = Path.Combine(dir, "words.txt");
        File.WriteAllText(corpus, Sentences(200));
        var model = Path.Combine(dir, "recipe.zip");
        var train = Run("train", corpus, "--model", "transformer", "--level", "word", "--width", "32", "--heads", "2", "--layers", "1",
            "--seq", "16", "--batch", "8", "--max-steps", "20", "--device", "cpu", "--no-bias", "--gelu", "tanh", "--init", "pytorch",
            "--head", "untied", "--weight-decay", "0.05", "--decay-all", "--beta1", "0.8", "--beta2", "0.95", "--eps", "1e-6",
            "--schedule", "cosine", "--warmup", "5", "-o", model);
        Assert.Equal(0, train.Code);
        var info = Run("info", model).Out;
        Assert.Matches(@"biases\s+no", info);
        Assert.Matches(@"gelu\s+tanh", info);
        Assert.Matches(@"initialisation\s+pytorch", info);
        Assert.Matches(@"tied weights\s+no", info);
        // The cosine schedule with 5 warm-up steps: the first recorded rate (step 10) is past the warm-up and below the peak.
        using var file = ModelFile.Load(new MLContext(), model);
        var rates = file.LanguageModel.History.Records.Select(r => r.LearningRate).ToList();
        Assert.True(rates[^1] < rates[0] && rates[0] < 0.001f, string.Join(", ", rates));
    }

    [Fact]
    public void ValidationFileIsWhatTheTrainerValidatesOn()
    {
        // Per-line cross-entropy is exact: the trainer's best validation loss on the file equals eval on the same file.
        var dir = CreateTempDirectory();
        var names = Path.Combine(dir, "names.txt");
        var held = Path.Combine(dir, "held.txt");
        File.WriteAllText(names, Names(200, seed: 5));
        File.WriteAllText(held, Names(30, seed: 9));
        var model = Path.Combine(dir, "names.zip");
        var train = Run([.. new[] { "train", names, "--mode", "lines", "--epochs", "2", "--validation-file", held, "-o", model }, .. TinyGru]);
        Assert.Equal(0, train.Code);
        var best = double.Parse(Regex.Match(train.Out, @"best validation loss (\d+\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var eval = Run("eval", model, held);
        var crossEntropy = double.Parse(Regex.Match(eval.Out, @"cross-entropy\s+(\d+\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(best, crossEntropy, 3);
        Assert.Matches(@"tokens\s+\d+", eval.Out);

        var both = Run("train", names, "--validation", "0.2", "--validation-file", held);
        Assert.Equal(ExitCodes.Usage, both.Code);
        Assert.Contains("--validation-file", both.Err);
    }

    [Fact]
    public void TrainsALearnedBpeModelAndScoresItInBitsPerCharacter()
    {
        var dir = CreateTempDirectory();
        var corpus = Path.Combine(dir, "words.txt");
        File.WriteAllText(corpus, Sentences(200));
        var model = Path.Combine(dir, "bpe.zip");
        var train = Run("train", corpus, "--level", "bpe:300", "--embedding", "16", "--hidden", "32", "--layers", "1",
            "--seq", "16", "--batch", "8", "--max-steps", "10", "--device", "cpu", "-o", model);
        Assert.Equal(0, train.Code);
        Assert.Matches(@"vocabulary\s+\d+ subwords", Run("info", model).Out);
        var sample = Run("sample", model, "--prompt", "the cat", "--max-tokens", "5", "--seed", "1");
        Assert.Equal(0, sample.Code);
        Assert.StartsWith("the cat", sample.Out);
        var eval = Run("eval", model, corpus);
        Assert.Equal(0, eval.Code);
        Assert.Contains("nats/subword", eval.Out);
        Assert.Matches(@"bits/char\s+\d+\.\d{4} \(over [\d,]+ characters\)", eval.Out);
        var bad = Run("train", corpus, "--level", "bpe:100", "-o", model);
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("bpe:N (N at least 256)", bad.Err);
    }

    [Fact]
    public void MissingFilesPrintOneLineAndFail()
    {
        var missing = Path.Combine(CreateTempDirectory(), "nope.txt");
        foreach (var args in new[] { new[] { "train", missing }, ["sample", missing], ["info", missing], ["eval", missing, missing] })
        {
            var (code, stdout, stderr) = Run(args);
            Assert.Equal(ExitCodes.Failure, code);
            Assert.Equal("", stdout);
            var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("error: ", line);
            Assert.Contains("not found", line);
            Assert.Contains("nope.txt", line);
        }
    }

    [Fact]
    public void CorruptModelFilesPrintOneLineAndFail()
    {
        var dir = CreateTempDirectory();
        var notZip = WriteTempFile("just some text");
        var truncated = Path.Combine(dir, "truncated.zip");
        File.WriteAllBytes(truncated, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]);
        foreach (var path in new[] { notZip, truncated })
        {
            var (code, _, stderr) = Run("info", path);
            Assert.Equal(ExitCodes.Failure, code);
            var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("error: ", line);
            Assert.Contains(Path.GetFileName(path), line);
            Assert.DoesNotContain(" at ", line);
        }
    }

    [Theory]
    [InlineData("--model", "cnn")]
    [InlineData("--epochs", "abc")]
    [InlineData("--batch", "0")]
    [InlineData("--dropout", "1.5")]
    [InlineData("--time", "5 parsecs")]
    [InlineData("--device", "gpu")]
    [InlineData("--heads", "4")]           // a Transformer option given to a GRU
    [InlineData("--init", "xavier")]
    [InlineData("--schedule", "linear")]
    [InlineData("--beta2", "1")]
    [InlineData("--gelu", "tanh")]         // a Transformer option given to a GRU
    public void BadOptionsPrintOneLineAndExitWithTheUsageCode(string option, string value)
    {
        var corpus = WriteTempFile(Sentences(20));
        var (code, stdout, stderr) = Run("train", corpus, option, value);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(option, line);
    }

    [Fact]
    public void UnknownCommandAndVerboseErrors()
    {
        var unknown = Run("frobnicate");
        Assert.Equal(ExitCodes.Usage, unknown.Code);
        Assert.Contains("frobnicate", unknown.Err);

        var verbose = Run("info", WriteTempFile("not a model"), "--verbose");
        Assert.Equal(ExitCodes.Failure, verbose.Code);
        Assert.Contains(" at ", verbose.Err);                        // --verbose adds the stack trace
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("45", 45)]
    [InlineData("00:02:00", 120)]
    public void DurationsParse(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("-5")]
    [InlineData("ten minutes")]
    public void BadDurationsAreRejected(string text) => Assert.False(Durations.TryParse(text, out _));

    private static double Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"'{pattern}' not found in:\n{text}");
        return double.Parse(match.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
    }
}
