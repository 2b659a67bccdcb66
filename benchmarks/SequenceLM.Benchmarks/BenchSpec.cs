using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>
/// One benchmark configuration. The orchestrator writes it as JSON (snake_case) next to the prepared token batches,
/// and both workers (ours and benchmarks/pytorch/reference.py) read the same file, so the two sides cannot drift.
/// </summary>
public sealed record BenchSpec
{
    public string Name { get; init; } = "";
    public string Task { get; init; } = "train";        // train | generate | peak
    public string Family { get; init; } = "gru";        // bigram | mlp | wavenet | rnn_tanh | gru | lstm | transformer
    public string Corpus { get; init; } = "";           // file in shared/data
    public string Tokens { get; init; } = "chars";      // chars | words | lines
    public bool Sequential { get; init; } = true;       // consecutive windows, recurrent state carried (truncated BPTT)
    public long Vocab { get; init; }                    // filled in by data preparation
    public int Layers { get; init; } = 1;               // mlp: hidden layers; wavenet: log2(Context) levels
    public long Embedding { get; init; }                // recurrent: 0 = one-hot input
    public long Hidden { get; init; }
    public int Heads { get; init; }
    public long Context { get; init; }                  // transformer: longest window; bigram (1), mlp, wavenet: tokens seen
    public float Dropout { get; init; }
    public bool Tie { get; init; }
    public long IgnoreIndex { get; init; } = -1;        // padding id of per-line batches (-1: none)
    public int Batch { get; init; }
    public int Sequence { get; init; }                  // training window (per-line: the batch's longest line)
    public float LearningRate { get; init; } = 1e-3f;
    public float Clip { get; init; } = 1f;
    public int Warmup { get; init; } = 2;
    public int Steps { get; init; } = 10;               // timed steps (generation: timed repetitions; with a FLOP budget: the most)
    public double FlopBudget { get; init; }             // train: FLOPs the timed steps should do, sets Steps once Vocab is known (0: none)
    public int GenerateTokens { get; init; }            // generation: new tokens per row
    public int PromptLength { get; init; } = 8;
    public int Threads { get; init; } = 2;
    public int MatmulSize { get; init; } = 2048;        // peak
    public string DataFile { get; init; } = "";         // prepared int64 batches / prompts
    public string Target { get; init; } = "train";      // train | train-small | gen-b1 | gen-batch
    public ulong Seed { get; init; } = 1;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Forward matrix-multiply FLOPs per token position (multiply-add = 2), the quantity behind GFLOP/s.</summary>
    public double ForwardFlopsPerPosition()
    {
        double v = Vocab, h = Hidden;
        if (Family == "transformer")
        {
            // qkv 6C^2 + proj 2C^2 + fc 8C^2 + proj 8C^2, plus scores and weighted sum over the context (4 T C)
            double t = Task == "generate" ? Context : Math.Min(Sequence, Context);
            return Layers * (24 * h * h + 4 * t * h) + 2 * h * v;
        }
        switch (Family)
        {
            case "bigram":
                return 0; // a table lookup: no product
            case "mlp":
                return 2 * (Context * Embedding * h + (Layers - 1) * h * h) + 2 * h * v;
            case "wavenet": // level i fuses Context / 2^(i+1) pairs of width 2 x (E, then H)
                double fused = 0;
                for (int l = 0; l < Layers; l++) fused += (Context >> (l + 1)) * 2 * (l == 0 ? Embedding : h) * h * 2;
                return fused + 2 * h * v;
        }
        int gates = Family switch { "lstm" => 4, "gru" => 3, _ => 1 };
        double input = Embedding > 0 ? Embedding : v; // one-hot input is multiplied as a dense matrix
        double flops = 0;
        for (int l = 0; l < Layers; l++)
        {
            flops += 2 * gates * h * ((l == 0 ? input : h) + h);
        }
        return flops + 2 * h * v;
    }

    /// <summary>FLOPs per position of the timed work: forward + backward (about 3x forward) when training.</summary>
    public double FlopsPerPosition() => (Task == "train" ? 3 : 1) * ForwardFlopsPerPosition();

    /// <summary>
    /// With a FLOP budget: the timed steps that do about that much work, at least 2 and at most <see cref="Steps"/>
    /// (small models run far below the machine's peak, so the same FLOPs would take them much longer).
    /// </summary>
    public BenchSpec WithBudgetedSteps()
    {
        if (FlopBudget <= 0) return this;
        double perStep = FlopsPerPosition() * Batch * Sequence;
        return this with { Steps = (int)Math.Clamp(Math.Round(FlopBudget / perStep), 2, Math.Max(2, Steps)) };
    }

    /// <summary>The matrix-multiply GFLOP/s a worker achieved on this configuration (0 without timed work).</summary>
    public double AchievedGflops(BenchResult result) => result.Seconds > 0 ? FlopsPerPosition() * result.Positions / result.Seconds / 1e9 : 0;
}

/// <summary>What a worker prints as its last stdout line (JSON, snake_case).</summary>
public sealed record BenchResult
{
    public string Name { get; init; } = "";
    public string Side { get; init; } = "";
    public double Seconds { get; init; }          // timed wall time
    public long Tokens { get; init; }             // trained (non-padding target) or generated tokens in the timed part
    public long Positions { get; init; }          // token positions computed (padding included)
    public double TokensPerSecond { get; init; }
    public double Gflops { get; init; }           // peak task: measured GFLOP/s
    public long PeakRssKb { get; init; }          // VmHWM at the end of the worker
    public int Threads { get; init; }
    public double FirstLoss { get; init; }
    public double LastLoss { get; init; }
    public string TorchVersion { get; init; } = "";
    public string Note { get; init; } = "";
}
