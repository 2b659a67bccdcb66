using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>
/// Runs one configuration with stock TorchSharp, as a user writes it from TorchSharp's examples: the models of
/// StockModels.cs, optim.Adam, clip_grad_norm_, a dispose scope per step; generation calls the modules per token
/// under no_grad with softmax + multinomial (nanoGPT's generate for the transformer: crop, full pass, no cache).
/// </summary>
public static class StockWorker
{
    public static BenchResult Run(BenchSpec spec)
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        torch.set_num_threads(spec.Threads);
        var result = spec.Task == "generate" ? Generate(spec) : Train(spec);
        return result with { Name = spec.Name, Side = "torchsharp", Threads = torch.get_num_threads(), TorchVersion = torch.__version__ };
    }

    private static nn.Module<Tensor, Tensor> CreateModel(BenchSpec s)
    {
        torch.manual_seed((long)s.Seed);
        return s.Family switch
        {
            "transformer" => new StockGpt(s),
            "bigram" or "mlp" or "wavenet" => new StockFixedContextModel(s),
            _ => new StockRecurrentModel(s),
        };
    }

    private static BenchResult Train(BenchSpec s)
    {
        var batches = DataPreparation.ReadBatches(s.DataFile);
        var model = CreateModel(s);
        model.train();
        var optimizer = optim.Adam(model.parameters(), s.LearningRate, 0.9, 0.999, 1e-8);
        long ignore = s.IgnoreIndex >= 0 ? s.IgnoreIndex : -100;
        var recurrent = model as StockRecurrentModel;
        double firstLoss = double.NaN, lastLoss = double.NaN;
        long tokens = 0, positions = 0;
        var clock = new Stopwatch();
        for (int i = 0; i < batches.Count; i++)
        {
            if (i == s.Warmup) clock.Start();
            var b = batches[i];
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(i);
            var x = tensor(b.Inputs, [b.Size, b.Steps]);
            var y = tensor(b.Targets, [b.Size, b.Steps]);
            if (recurrent is not null && !s.Sequential) recurrent.ResetState();
            optimizer.zero_grad();
            var logits = model.forward(x);
            var loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index: ignore);
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), s.Clip);
            optimizer.step();
            double value = loss.item<float>();
            recurrent?.KeepState(); // truncated BPTT: the state, detached, outlives the step
            if (i == 0) firstLoss = value;
            lastLoss = value;
            if (i < s.Warmup) continue;
            positions += b.Inputs.Length;
            tokens += b.LossTokens(s.IgnoreIndex);
        }
        clock.Stop();
        return Timed(clock.Elapsed.TotalSeconds, tokens, positions) with { FirstLoss = firstLoss, LastLoss = lastLoss };
    }

    private static BenchResult Generate(BenchSpec s)
    {
        var rows = DataPreparation.ReadPrompts(s.DataFile);
        var prompts = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        var model = CreateModel(s);
        model.eval();
        Func<int, Tensor> run = model switch
        {
            StockRecurrentModel r => n => GenerateRecurrent(r, prompts, n),
            StockGpt g => n => GenerateWindowed(g, g.Context, prompts, n),
            _ => n => GenerateWindowed(model, ((StockFixedContextModel)model).Context, prompts, n),
        };
        for (int i = 0; i < s.Warmup; i++) run(Math.Min(s.GenerateTokens, 50)).Dispose();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < s.Steps; i++) run(s.GenerateTokens).Dispose();
        clock.Stop();
        long generated = (long)s.Steps * s.GenerateTokens * rows.Length;
        return Timed(clock.Elapsed.TotalSeconds, generated, generated);
    }

    // char-rnn's sample loop: prime with the prompt, then feed back one sampled token per step.
    private static Tensor GenerateRecurrent(StockRecurrentModel model, Tensor prompts, int count)
    {
        using var _ = no_grad();
        using var outer = torch.NewDisposeScope();
        model.ResetState();
        var logits = model.forward(prompts).select(1, -1);
        var generated = new List<Tensor>();
        for (int i = 0; i < count; i++)
        {
            using var step = torch.NewDisposeScope();
            var probs = F.softmax(logits / 1.0, -1);
            var next = multinomial(probs, 1);
            generated.Add(next.MoveToOuterDisposeScope());
            logits = model.forward(next).select(1, -1).MoveToOuterDisposeScope();
            model.KeepState();
        }
        model.ResetState();
        return cat(generated, 1).MoveToOuterDisposeScope();
    }

    // nanoGPT's generate (also makemore's for its fixed-context models): crop to the context, forward, sample from the
    // last position (no key/value cache).
    private static Tensor GenerateWindowed(nn.Module<Tensor, Tensor> model, long context, Tensor idx, int count)
    {
        using var _ = no_grad();
        using var outer = torch.NewDisposeScope();
        for (int i = 0; i < count; i++)
        {
            using var step = torch.NewDisposeScope();
            var window = idx.size(1) <= context ? idx : idx.narrow(1, idx.size(1) - context, context);
            var logits = model.forward(window).select(1, -1);
            var probs = F.softmax(logits / 1.0, -1);
            idx = cat([idx, multinomial(probs, 1)], 1).MoveToOuterDisposeScope();
        }
        return idx.MoveToOuterDisposeScope();
    }

    private static BenchResult Timed(double seconds, long tokens, long positions) => new()
    {
        Seconds = seconds,
        Tokens = tokens,
        Positions = positions,
        TokensPerSecond = seconds > 0 ? tokens / seconds : 0,
    };
}
