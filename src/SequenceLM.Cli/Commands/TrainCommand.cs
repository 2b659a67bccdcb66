using Microsoft.ML.SequenceLM.Trainers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace Microsoft.ML.SequenceLM.Cli.Commands;

// Microsoft.ML has a namespace named Command, which the enclosing namespaces would find first.
using Command = System.CommandLine.Command;

/// <summary><c>sequencelm train FILE</c>: trains a language model on a text file and saves it as one zip.</summary>
internal sealed class TrainCommand
{
    private readonly Argument<string> File = new("file") { Description = "The training text (UTF-8)." };

    private readonly Option<string> Model = CliOptions.Create<string>("--model",
        "Network, simplest first: bigram, mlp, wavenet, rnn, gru, lstm or transformer.", null, "-m");
    private readonly Option<string> Level = CliOptions.Create<string>("--level",
        "Tokens: char (characters), word (white-space separated words), bpe:N (byte-level BPE of N tokens learned from the file) or a pretrained encoding (gpt2, cl100k_base, o200k_base).");
    private readonly Option<string> Mode = CliOptions.Create<string>("--mode",
        "stream: the file is one long text (windows run across lines); lines: each line is one sequence (e.g. names), generated from an empty prompt.");
    private readonly Option<int> Embedding = CliOptions.Create<int>("--embedding",
        "Embedding width; recurrent models: 0 feeds one-hot vectors. [default: 128 recurrent, 10 mlp, 24 wavenet]", "N");
    private readonly Option<int> Hidden = CliOptions.Create<int>("--hidden",
        "Recurrent, MLP and WaveNet models: hidden width. [default: 256 recurrent, 200 mlp, 128 wavenet]", "N").Positive();
    private readonly Option<int> Layers = CliOptions.Create<int>("--layers",
        "Number of layers (MLP: hidden layers). [default: 2 recurrent, 4 transformer, 1 mlp]", "N").Positive();
    private readonly Option<int> Heads = CliOptions.Create<int>("--heads", "Transformer: attention heads (must divide --width). [default: 4]", "N").Positive();
    private readonly Option<int> Width = CliOptions.Create<int>("--width", "Transformer: model width. [default: 128]", "N").Positive();
    private readonly Option<int> Context = CliOptions.Create<int>("--context",
        "Transformer: longest context in tokens [default: --seq]; MLP, WaveNet: tokens each prediction sees, a power of two for WaveNet [default: 3 mlp, 8 wavenet].",
        "N").Positive();
    private readonly Option<float> Smoothing = CliOptions.Create<float>("--smoothing",
        "Bigram: fit the table from counts + K in one pass instead of training it by gradient (1 = add-one).", "K").NonNegative();
    private readonly Option<float> Dropout = CliOptions.Create<float>("--dropout",
        "Dropout probability in [0, 1). [default: 0.2 recurrent, 0.1 transformer, 0 bigram, mlp and wavenet]", "P").InRange(0, 1, maxExclusive: true);
    private readonly Option<int> Batch = CliOptions.Create<int>("--batch", "Sequences per batch. [default: 32]", "N").Positive();
    private readonly Option<int> Seq = CliOptions.Create<int>("--seq", "Tokens per training window (lines mode: longest line kept). [default: 64]", "N").Positive();
    private readonly Option<int> Epochs = CliOptions.Create<int>("--epochs", "Passes over the training data. [default: 10]", "N").Positive();
    private readonly Option<long> MaxSteps = CliOptions.Create<long>("--max-steps", "Stop after this many optimisation steps.", "N").Positive();
    private readonly Option<TimeSpan> Time = new("--time")
    {
        Description = "Stop after this much time, e.g. 90s, 10m, 1h30m (the model trained so far is saved).",
        HelpName = "DURATION",
        CustomParser = CliOptions.ParseDuration,
    };
    private readonly Option<float> Lr = CliOptions.Create<float>("--lr", "Learning rate. [default: 0.001; 0.05 bigram, 0.003 mlp and wavenet]", "RATE").Positive();
    private readonly Option<string> Optimizer = CliOptions.Create<string>("--optimizer", "sgd, adam or adamw. [default: adam recurrent, adamw transformer]");
    private readonly Option<float> WeightDecay = CliOptions.Create<float>("--weight-decay",
        "Weight decay (decoupled for adamw, L2 otherwise) on matrices and embeddings. [default: 0 recurrent, 0.1 transformer]", "RATE").NonNegative();
    private readonly Option<bool> DecayAll = CliOptions.Create<bool>("--decay-all", "Apply --weight-decay to biases and normalisation gains too.");
    private readonly Option<float> Beta1 = CliOptions.Create<float>("--beta1", "Adam/AdamW beta1. [default: 0.9]", "B").InRange(0, 1, maxExclusive: true);
    private readonly Option<float> Beta2 = CliOptions.Create<float>("--beta2", "Adam/AdamW beta2. [default: 0.999 recurrent, 0.99 transformer]", "B").InRange(0, 1, maxExclusive: true);
    private readonly Option<float> Eps = CliOptions.Create<float>("--eps", "Adam/AdamW epsilon. [default: 1e-8]", "E").Positive();
    private readonly Option<string> Schedule = CliOptions.Create<string>("--schedule",
        "Learning-rate schedule: constant, or cosine (linear warm-up for --warmup steps, then cosine decay to 10%). [default: constant recurrent, cosine transformer]");
    private readonly Option<int> Warmup = CliOptions.Create<int>("--warmup", "Warm-up steps of the cosine schedule. [default: 100]", "N").NonNegative();
    private readonly Option<string> Head = CliOptions.Create<string>("--head",
        "tied (the output layer shares the embedding matrix; recurrent: needs --embedding = --hidden) or untied. [default: untied recurrent, tied transformer]");
    private readonly Option<bool> NoBias = CliOptions.Create<bool>("--no-bias", "Transformer: no biases in the linear and LayerNorm layers (nanoGPT's bias=False).");
    private readonly Option<string> Init = CliOptions.Create<string>("--init", "Transformer initialisation: gpt2 (N(0, 0.02), scaled residual projections) or pytorch (module defaults). [default: gpt2]");
    private readonly Option<string> Gelu = CliOptions.Create<string>("--gelu", "Transformer GELU: exact or tanh (the approximation). [default: exact]");
    private readonly Option<float> Clip = CliOptions.Create<float>("--clip", "Clip the gradient norm to this value; 0 turns clipping off. [default: 5 recurrent, 1 transformer]", "NORM").NonNegative();
    private readonly Option<string> Device = CliOptions.Create<string>("--device", "cpu, cuda, cuda:N or auto (CUDA when available).");
    private readonly Option<string> ValidationFile = CliOptions.Create<string>("--validation-file",
        "A separate validation text, read like the training file (replaces --validation's held-out fraction).", "PATH");
    private readonly Option<float> Validation = CliOptions.Create<float>("--validation", "Fraction of the data held out for validation; 0 turns validation off.", "FRACTION").InRange(0, 1, maxExclusive: true);
    private readonly Option<int> EvalEvery = CliOptions.Create<int>("--eval-every", "Validate every N steps; 0 validates at the end of each epoch. [default: 0]", "N").NonNegative();
    private readonly Option<int> ReportEvery = CliOptions.Create<int>("--report-every",
        "Record the training loss (history and progress) every N steps. [default: 10]", "N").Positive();
    private readonly Option<int> Seed = CliOptions.Create<int>("--seed", "Seed of initialisation, data order and dropout (same seed, same model on CPU).", "N");
    private readonly Option<string> Output = CliOptions.Create<string>("--output", "Where to save the model (a zip file).", "PATH", "-o");
    private readonly Option<int> Processes = CliOptions.Create<int>("--processes",
        "Train data-parallel in N processes on this machine (starts Open MPI's mpirun; --batch is per process). [default: 1]", "N").Positive();

    public static Command Create(CliConsole console) => new TrainCommand().Build(console);

    private Command Build(CliConsole console)
    {
        Model.DefaultValueFactory = _ => "gru";
        Model.AcceptOnlyFromAmong("bigram", "mlp", "wavenet", "rnn", "gru", "lstm", "transformer");
        Level.DefaultValueFactory = _ => "char";
        Level.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string>();
            if (v is not ("char" or "word") && SubwordLevel(v) is null) r.AddError($"--level must be char, word, bpe:N (N at least {SubwordTokenizerOptions.MinimumVocabularySize}), gpt2, cl100k_base or o200k_base (got '{v}').");
        });
        Mode.DefaultValueFactory = _ => "stream";
        Mode.AcceptOnlyFromAmong("stream", "lines");
        Optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw");
        Schedule.AcceptOnlyFromAmong("constant", "cosine");
        Head.AcceptOnlyFromAmong("tied", "untied");
        Init.AcceptOnlyFromAmong("gpt2", "pytorch");
        Gelu.AcceptOnlyFromAmong("exact", "tanh");
        Device.DefaultValueFactory = _ => "auto";
        Device.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string>();
            if (v is not ("cpu" or "cuda" or "auto") && !(v.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(v.AsSpan(5), out var n) && n >= 0))
                r.AddError($"--device must be cpu, cuda, cuda:N or auto (got '{v}').");
        });
        Validation.DefaultValueFactory = _ => 0.1f;
        Output.DefaultValueFactory = _ => "model.zip";

        var command = new Command("train", "Train a language model on a text file and save it.")
        {
            File, Model, Level, Mode, Embedding, Hidden, Layers, Heads, Width, Context, Smoothing, Dropout, Batch, Seq, Epochs, MaxSteps, Time,
            Lr, Optimizer, WeightDecay, DecayAll, Beta1, Beta2, Eps, Schedule, Warmup, Head, NoBias, Init, Gelu, Clip, Device,
            Validation, ValidationFile, EvalEvery, ReportEvery, Seed, Output, Processes,
        };
        command.SetAction(result => SequenceLMCli.Guard(console, result, () => Run(console, result)));
        return command;
    }

    private int Run(CliConsole console, ParseResult r)
    {
        if (r.Given(Processes) is > 1 and var processes && !MpiJob.IsLaunched)
            return MpiLauncher.Run(console, processes, MpiLauncher.WithoutOption(r.Tokens.Select(t => t.Value).ToList(), Processes.Name));
        // Under mpirun every process trains its share; rank 0 alone prints and saves.
        if (MpiJob.Rank > 0) console = new CliConsole(TextWriter.Null, console.Error);
        string path = CliOptions.ExistingFile(r.GetValue(File)!, "training file");
        string output = r.GetValue(Output)!;
        string outputDirectory = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(outputDirectory)) throw new CliException($"--output: folder '{outputDirectory}' does not exist.");
        if (Directory.Exists(output)) throw new CliException($"--output: '{output}' is a directory; give a file name such as model.zip.");
        bool lines = r.GetValue(Mode) == "lines";
        string level = r.GetValue(Level)!;
        string tokenUnit = level switch { "char" => "chars", "word" => "words", _ => "subwords" };

        var options = BuildOptions(r, lines);
        var ml = new MLContext(r.Given(Seed));
        var documentOptions = new TextDocumentOptions { Mode = lines ? TextDocumentMode.LinePerRow : TextDocumentMode.WholeDocument };
        var text = ml.Data.LoadTextDocument(path, documentOptions);
        IEstimator<ITransformer> tokenizer = level switch
        {
            "char" => ml.Transforms.TokenizeChars(),
            "word" => ml.Transforms.TokenizeWords(options: lines ? new WordTokenizerOptions() : WordTokenizerOptions.Ptb()),
            _ => ml.Transforms.TokenizeSubwords(options: SubwordLevel(level)),
        };
        if (r.GetValue(ValidationFile) is { } validationPath)
        {
            // The trainer reads validation rows after the same preceding transforms as the training rows.
            var validation = ml.Data.LoadTextDocument(CliOptions.ExistingFile(validationPath, "validation file"), documentOptions);
            options.ValidationData = tokenizer.Fit(text).Transform(validation);
        }
        var trainer = ml.LanguageModels().Trainers.Create(options);

        console.Out.WriteLine((
            $"Training a {r.GetValue(Level)}-level {r.GetValue(Model)} on {path} ({new FileInfo(path).Length:N0} bytes, {(lines ? "one sequence per line" : "one stream")}), " +
            $"device {options.Device}, " + (MpiJob.IsLaunched ? $"{MpiJob.Size} processes x " : "") + $"{TorchRuntime.Threads} threads. Ctrl+C stops and saves."));

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return;         // a second Ctrl+C ends the process
            e.Cancel = true;
            cancel.Cancel();
        };
        options.CancellationToken = cancel.Token;
        Console.CancelKeyPress += onCancel;
        // Under mpirun, Ctrl+C on `train --processes N` arrives as the stop signal mpirun forwards to every process.
        using var stopSignal = MpiJob.IsLaunched
            ? PosixSignalRegistration.Create(MpiLauncher.StopSignal, c => { c.Cancel = true; cancel.Cancel(); })
            : null;
        var clock = Stopwatch.StartNew();
        TransformerChain<LanguageModelTransformer> model;
        try
        {
            model = console.Terminal is { } terminal
                ? TrainLive(terminal, tokenizer, trainer, text, options, tokenUnit)
                : TrainPlain(console, tokenizer, trainer, text, options, tokenUnit);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        using (model)
        {
            var lm = model.LastTransformer;
            var history = lm.History;
            if (history.TotalSteps == 0) throw new CliException("training stopped before the first step; nothing was saved.", ExitCodes.Cancelled);
            if (MpiJob.Rank > 0) return ExitCodes.Success;
            ml.Model.SaveAtomically(model, text.Schema, output);
            var last = history.Records.LastOrDefault();
            console.Out.WriteLine((
                $"Trained {lm.Config.FamilyName} ({lm.ParameterCount:N0} parameters, vocabulary {lm.Vocabulary.Count:N0} {lm.Vocabulary.TokenKind}) " +
                $"for {history.TotalSteps:N0} steps in {clock.Elapsed.TotalSeconds:F1} s; stopped: {history.StopReason}" +
                (history.StopMessage is { Length: > 0 } m ? $" ({m.TrimEnd('.')})." : ".")));
            if (last != null)
                console.Out.WriteLine((
                    $"Last training loss {last.TrainLoss:F4} nats/token" +
                    (history.BestValidationLoss is { } best
                        ? $"; best validation loss {best:F4} nats/token (perplexity {Math.Exp(best):F2}) at step {history.BestStep:N0}."
                        : "; no validation (--validation 0).")));
            if (history.AllReduceSeconds > 0)
                console.Out.WriteLine($"All-reduce of the gradients: {history.AllReduceSeconds * 1000 / history.TotalSteps:F1} ms per step over {MpiJob.Size} processes.");
            console.Out.WriteLine($"Saved {output} ({new FileInfo(output).Length:N0} bytes).");
        }
        return ExitCodes.Success;
    }

    private static TransformerChain<LanguageModelTransformer> TrainPlain(CliConsole console, IEstimator<ITransformer> tokenizer,
        LanguageModelTrainer trainer, IDataView text, LanguageModelTrainerOptions options, string tokenUnit)
    {
        options.Progress = new PlainProgress(console.Out, tokenUnit, TimeSpan.FromSeconds(2));
        return tokenizer.Append(trainer).Fit(text);
    }

    private static TransformerChain<LanguageModelTransformer> TrainLive(IAnsiConsole terminal, IEstimator<ITransformer> tokenizer,
        LanguageModelTrainer trainer, IDataView text, LanguageModelTrainerOptions options, string tokenUnit)
    {
        TransformerChain<LanguageModelTransformer>? model = null;
        terminal.Progress()
            .AutoClear(false)
            .Columns(new ProgressBarColumn { Width = 24 }, new PercentageColumn(), new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .Start(context =>
            {
                var task = context.AddTask("preparing data…", maxValue: 100);
                options.Progress = new LiveProgress(task, tokenUnit);
                model = tokenizer.Append(trainer).Fit(text);
                task.Value = 100;
                task.StopTask();
            });
        return model!;
    }

    private LanguageModelTrainerOptions BuildOptions(ParseResult r, bool lines)
    {
        string family = r.GetValue(Model)!;
        void NotFor(Option option, string hint)
        {
            if (r.GetResult(option) is { Implicit: false })
                throw new CliException($"{option.Name} does not apply to --model {family}; {hint}.", ExitCodes.Usage);
        }
        if (family != "bigram") NotFor(Smoothing, "it fits a bigram's table from counts");
        if (family != "transformer")
            foreach (var option in new Option[] { NoBias, Init, Gelu }) NotFor(option, "it is a Transformer option");
        if (family is "bigram" or "mlp" or "wavenet") NotFor(Head, "only recurrent models and Transformers have a tied/untied output layer");

        LanguageModelTrainerOptions o;
        switch (family)
        {
            case "transformer":
                NotFor(Embedding, "use --width");
                NotFor(Hidden, "use --width");
                var t = new TransformerOptions();
                if (r.Given(Width) is { } width) t.Width = width;
                if (r.Given(Heads) is { } heads) t.NumberOfHeads = heads;
                if (r.Given(Layers) is { } blocks) t.NumberOfLayers = blocks;
                if (r.Given(Context) is { } context) t.ContextLength = context;
                if (r.Given(NoBias) is true) t.Bias = false;
                if (r.GetValue(Init) is { } init) t.Initialization = init == "pytorch" ? TransformerInitialization.PyTorchDefaults : TransformerInitialization.Gpt2;
                if (r.GetValue(Gelu) is { } gelu) t.Gelu = gelu == "tanh" ? GeluApproximation.Tanh : GeluApproximation.None;
                if (r.GetValue(Head) is { } head) t.TieWeights = head == "tied";
                o = t;
                break;
            case "bigram":
                foreach (var option in new Option[] { Embedding, Hidden, Layers, Heads, Width, Context })
                    NotFor(option, "a bigram is a table of next-token logits and sees one token");
                o = new BigramOptions { Smoothing = r.Given(Smoothing) };
                break;
            case "mlp" or "wavenet":
                NotFor(Heads, "it is a Transformer option");
                NotFor(Width, "use --hidden (and --embedding)");
                EmbeddedContextOptions e = family == "mlp" ? new MlpOptions() : new WaveNetOptions();
                if (e is WaveNetOptions) NotFor(Layers, "a WaveNet has log2(--context) levels");
                if (r.Given(Context) is { } window) e.ContextLength = window;
                if (r.Given(Embedding) is { } size) e.EmbeddingSize = size;
                if (r.Given(Hidden) is { } units) e.HiddenSize = units;
                if (e is MlpOptions mlp && r.Given(Layers) is { } count) mlp.NumberOfLayers = count;
                o = e;
                break;
            default:
                NotFor(Heads, "it is a Transformer option");
                NotFor(Width, "use --hidden (and --embedding)");
                NotFor(Context, "recurrent models have no context limit; --seq sets the training window");
                RecurrentOptions rec = family switch
                {
                    "rnn" => new RnnOptions(),
                    "gru" => new GruOptions(),
                    _ => new LstmOptions(),
                };
                if (r.Given(Embedding) is { } embedding)
                {
                    if (embedding < 0) throw new CliException($"--embedding must be 0 (one-hot) or positive (got {embedding}).", ExitCodes.Usage);
                    rec.EmbeddingSize = embedding;
                }
                if (r.Given(Hidden) is { } hidden) rec.HiddenSize = hidden;
                if (r.Given(Layers) is { } layers) rec.NumberOfLayers = layers;
                if (r.GetValue(Head) is { } tying) rec.TieWeights = tying == "tied";
                o = rec;
                break;
        }

        if (lines) o.WindowMode = WindowMode.PerRow;
        if (r.Given(Dropout) is { } dropout) o.Dropout = dropout;
        if (r.Given(Batch) is { } batch) o.BatchSize = batch;
        if (r.Given(Seq) is { } seq)
        {
            o.SequenceLength = seq;
            if (o is TransformerOptions { ContextLength: { } ctx } && seq > ctx)
                throw new CliException($"--seq ({seq}) cannot exceed --context ({ctx}).", ExitCodes.Usage);
        }
        if (r.Given(Epochs) is { } epochs) o.Epochs = epochs;
        else if (r.Given(Time) is not null || r.Given(MaxSteps) is not null) o.Epochs = 1_000_000;   // a budget alone bounds the run
        if (r.Given(MaxSteps) is { } steps) o.MaximumSteps = steps;
        if (r.Given(Time) is { } time) o.TimeBudget = time;
        if (r.Given(Lr) is { } lr) o.LearningRate = lr;
        if (r.GetValue(Optimizer) is { } optimizer)
            o.Optimizer = optimizer switch { "sgd" => OptimizerKind.Sgd, "adam" => OptimizerKind.Adam, _ => OptimizerKind.AdamW };
        if (r.Given(WeightDecay) is { } decay) o.WeightDecay = decay;
        if (r.Given(DecayAll) is true) o.DecayAllParameters = true;
        if (r.Given(Beta1) is { } beta1) o.Beta1 = beta1;
        if (r.Given(Beta2) is { } beta2) o.Beta2 = beta2;
        if (r.Given(Eps) is { } eps) o.Epsilon = eps;
        if (r.Given(Warmup) is not null && r.GetValue(Schedule) == "constant")
            throw new CliException("--warmup belongs to --schedule cosine.", ExitCodes.Usage);
        if (r.GetValue(Schedule) == "constant") o.LearningRateSchedule = LearningRateSchedule.Constant;
        else if (r.GetValue(Schedule) == "cosine" || r.Given(Warmup) is not null)
            o.LearningRateSchedule = LearningRateSchedule.Cosine(warmupSteps: r.Given(Warmup) ?? 100);
        if (r.Given(Clip) is { } clip) o.GradientClipNorm = clip;
        o.Device = r.GetValue(Device)!;
        if (r.GetValue(ValidationFile) is not null && r.Given(Validation) is not null)
            throw new CliException("give either --validation (a held-out fraction) or --validation-file, not both.", ExitCodes.Usage);
        o.ValidationFraction = r.GetValue(ValidationFile) is null ? r.GetValue(Validation) : 0f;
        if (r.Given(EvalEvery) is { } every) o.EvaluateEveryNSteps = every;
        if (r.Given(Seed) is { } seed) o.Seed = seed;
        o.ReportEveryNSteps = r.Given(ReportEvery) ?? 10;
        o.Validate();
        return o;
    }

    /// <summary>The subword options a --level value names, or null when it names none.</summary>
    private static SubwordTokenizerOptions? SubwordLevel(string? level) => level switch
    {
        "gpt2" or "cl100k_base" or "o200k_base" => new SubwordTokenizerOptions { Encoding = level },
        _ when level != null && level.StartsWith("bpe:", StringComparison.Ordinal) && int.TryParse(level.AsSpan(4), out int n)
            && n >= SubwordTokenizerOptions.MinimumVocabularySize => SubwordTokenizerOptions.Learned(n),
        _ => null,
    };
}
