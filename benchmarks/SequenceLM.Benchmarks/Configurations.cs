namespace Microsoft.ML.SequenceLM.Benchmarks;

/// <summary>The benchmark configurations, taken from the field's reference code (see docs/performance.md).</summary>
public static class Configurations
{
    // char-rnn / "Anna KaRNNa" notebook: one-hot input, LSTM 2x512, dropout 0.5, sequence 100, batch 128, Adam 1e-3, clip 5.
    private static readonly BenchSpec CharLstm = new()
    {
        Name = "char-lstm-2x512 (anna)", Family = "lstm", Corpus = "anna.txt", Tokens = "chars", Layers = 2, Embedding = 0,
        Hidden = 512, Dropout = 0.5f, Batch = 128, Sequence = 100, LearningRate = 1e-3f, Clip = 5f, Warmup = 2, Steps = 5,
    };

    // PyTorch word_language_model at CPU width: emb 256, 2x256, dropout 0.2, bptt 35, batch 20, clip 0.25.
    private static readonly BenchSpec Ptb = new()
    {
        Corpus = "ptb.valid.txt", Tokens = "words", Layers = 2, Embedding = 256, Hidden = 256, Dropout = 0.2f, Batch = 20,
        Sequence = 35, LearningRate = 1e-3f, Clip = 0.25f, Warmup = 5, Steps = 60,
    };

    // makemore RNN/GRU size: embedding 64, hidden 64, batch 32, one line per row padded to the batch's longest.
    private static readonly BenchSpec Names = new()
    {
        Corpus = "names.txt", Tokens = "lines", Sequential = false, Layers = 1, Embedding = 64, Hidden = 64, Dropout = 0f,
        Batch = 32, LearningRate = 5e-4f, Clip = 1f, IgnoreIndex = 0, Warmup = 30, Steps = 1200, Target = "train-small",
    };

    // nanoGPT's CPU setting (shakespeare_char on a laptop): 4 layers, 4 heads, width 128, context 64, batch 12, no dropout.
    private static readonly BenchSpec NanoGpt = new()
    {
        Family = "transformer", Corpus = "timemachine.txt", Tokens = "chars", Layers = 4, Heads = 4, Hidden = 128, Context = 64,
        Dropout = 0f, Tie = true, Batch = 12, Sequence = 64, LearningRate = 1e-3f, Clip = 1f, Warmup = 5, Steps = 60,
    };

    public static IReadOnlyList<BenchSpec> Full() =>
    [
        CharLstm,
        Ptb with { Name = "ptb-rnn-tanh-2x256", Family = "rnn_tanh" },
        Ptb with { Name = "ptb-gru-2x256", Family = "gru" },
        Ptb with { Name = "ptb-lstm-2x256", Family = "lstm" },
        Ptb with { Name = "ptb-transformer-2x256", Family = "transformer", Heads = 4, Context = 35 },
        Names with { Name = "names-rnn-64 (per-line)", Family = "rnn_tanh" },
        Names with { Name = "names-gru-64 (per-line)", Family = "gru" },
        Names with { Name = "names-bigram (per-line)", Family = "bigram", Embedding = 0, Hidden = 0, Context = 1 },
        Names with { Name = "names-mlp-64 (per-line)", Family = "mlp", Context = 3 },
        Names with { Name = "names-wavenet-64 (per-line)", Family = "wavenet", Context = 8, Layers = 3 },
        NanoGpt with { Name = "nanogpt-cpu 4x128 (chars)" },
        CharLstm with { Name = "generate char-lstm-2x512 b1", Task = "generate", Batch = 1, GenerateTokens = 500, Warmup = 1, Steps = 3, Target = "gen-b1" },
        CharLstm with { Name = "generate char-lstm-2x512 b32", Task = "generate", Batch = 32, GenerateTokens = 500, Warmup = 1, Steps = 1, Target = "gen-batch" },
        NanoGpt with { Name = "generate nanogpt-cpu b1", Task = "generate", Batch = 1, GenerateTokens = 500, Warmup = 1, Steps = 3, Target = "gen-b1" },
        NanoGpt with { Name = "generate nanogpt-cpu b32", Task = "generate", Batch = 32, GenerateTokens = 500, Warmup = 1, Steps = 1, Target = "gen-batch" },
        Names with { Name = "generate names-gru-64 b1", Family = "gru", Task = "generate", Batch = 1, GenerateTokens = 500, Warmup = 1, Steps = 3, Target = "gen-b1" },
        Names with { Name = "generate names-bigram b1", Family = "bigram", Embedding = 0, Hidden = 0, Context = 1, Task = "generate", Batch = 1, GenerateTokens = 500, Warmup = 1, Steps = 3, Target = "gen-b1" },
        Names with { Name = "generate names-mlp-64 b1", Family = "mlp", Context = 3, Task = "generate", Batch = 1, GenerateTokens = 500, Warmup = 1, Steps = 3, Target = "gen-b1" },
        Names with { Name = "generate names-wavenet-64 b1", Family = "wavenet", Context = 8, Layers = 3, Task = "generate", Batch = 1, GenerateTokens = 500, Warmup = 1, Steps = 3, Target = "gen-b1" },
    ];

    /// <summary>
    /// How cost grows (issue 13): the char-LSTM (one-hot, 2 layers, dropout 0.5) at hidden 64 to 1024 and the nanoGPT-CPU
    /// transformer (4 layers, 4 heads, context 64, tied head) at width 64 to 512, training at batch 32 x 64 tokens, with
    /// the timed steps set from a FLOP budget (fewer at the large sizes, at most 40 at the small ones).
    /// </summary>
    public static IReadOnlyList<BenchSpec> Scaling() =>
    [
        .. new long[] { 64, 128, 256, 512, 1024 }.Select(h => ScalingRow(CharLstm, $"lstm-{h} (2 layers, anna)", h)),
        .. new long[] { 64, 128, 256, 512 }.Select(c => ScalingRow(NanoGpt, $"transformer-{c} (4 layers, timemachine)", c)),
    ];

    /// <summary>Tiny versions of the scaling rows (LSTM and transformer at 16 and 32 units, 1 warm-up + 2 steps): seconds, for CI.</summary>
    public static IReadOnlyList<BenchSpec> QuickScaling() =>
    [
        .. new long[] { 16, 32 }.Select(h => ScalingRow(CharLstm, $"quick lstm-{h}", h) with { Batch = 4, Sequence = 16, Warmup = 1, Steps = 2, FlopBudget = 0 }),
        .. new long[] { 16, 32 }.Select(c => ScalingRow(NanoGpt, $"quick transformer-{c}", c) with { Batch = 4, Sequence = 16, Warmup = 1, Steps = 2, FlopBudget = 0 }),
    ];

    // 300 GFLOP is about 5-10 s of timed steps at the large sizes on the 2-core machine (40-50 GFLOP/s).
    private static BenchSpec ScalingRow(BenchSpec model, string name, long size) =>
        model with { Name = name, Hidden = size, Batch = 32, Sequence = 64, Warmup = 2, Steps = 40, FlopBudget = 300e9 };

    /// <summary>Tiny versions of a training (recurrent and WaveNet), a recurrent generation and a transformer configuration: seconds, for CI.</summary>
    public static IReadOnlyList<BenchSpec> Quick() =>
    [
        Names with { Name = "quick names-gru-16 (per-line)", Family = "gru", Embedding = 16, Hidden = 16, Batch = 4, Warmup = 1, Steps = 3 },
        Names with { Name = "quick names-wavenet-16 (per-line)", Family = "wavenet", Context = 4, Layers = 2, Embedding = 16, Hidden = 16, Batch = 4, Warmup = 1, Steps = 3 },
        NanoGpt with { Name = "quick transformer 1x32", Layers = 1, Heads = 2, Hidden = 32, Context = 16, Sequence = 16, Batch = 4, Warmup = 1, Steps = 3 },
        CharLstm with { Name = "quick generate lstm-1x32 b1", Task = "generate", Layers = 1, Hidden = 32, Batch = 1, GenerateTokens = 20, Warmup = 1, Steps = 1, Target = "gen-b1" },
        NanoGpt with { Name = "quick generate transformer-1x32 b1", Task = "generate", Layers = 1, Heads = 2, Hidden = 32, Context = 16, Batch = 1, GenerateTokens = 20, Warmup = 1, Steps = 1, Target = "gen-b1" },
    ];
}
