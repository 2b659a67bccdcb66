using System.Text.Json;
using Microsoft.ML.SequenceLM.Models;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Verification;

/// <summary>
/// Trains each model family briefly through the public pipeline and writes, per family, the folder
/// test/python/verify_against_pytorch.py reads: config, weights (safetensors, PyTorch names), a batch, our logits and
/// two training steps. test/python/run-verification.sh then loads them into PyTorch modules and compares.
/// The folder is $SEQUENCELM_VERIFY_DIR, or a temporary one.
/// </summary>
public sealed class PyTorchExportTests(ITestOutputHelper output) : TestBase(output)
{
    public static TheoryData<string, LanguageModelTrainerOptions> Families() => new()
    {
        { "rnn_tanh", new RnnOptions { EmbeddingSize = 16, HiddenSize = 24 } },
        { "rnn_relu", new RnnOptions { Nonlinearity = RnnNonlinearity.Relu, EmbeddingSize = 16, HiddenSize = 24 } },
        { "gru", new GruOptions { EmbeddingSize = 16, HiddenSize = 24 } },
        { "gru_one_hot", new GruOptions { EmbeddingSize = 0, HiddenSize = 24 } },
        { "lstm", new LstmOptions { EmbeddingSize = 16, HiddenSize = 24, DecayAllParameters = true } },
        { "lstm_tied", new LstmOptions { EmbeddingSize = 24, HiddenSize = 24, TieWeights = true } },
        { "gru_per_row", new GruOptions { EmbeddingSize = 16, HiddenSize = 24, WindowMode = WindowMode.PerRow } },
        { "transformer", new TransformerOptions { Width = 32, NumberOfHeads = 4, NumberOfLayers = 2, SequenceLength = 12 } },
        { "transformer_sinusoidal", new TransformerOptions { Width = 32, NumberOfHeads = 2, NumberOfLayers = 1, SequenceLength = 12,
            Positional = PositionalEncoding.Sinusoidal, TieWeights = false } },
        { "bigram", new BigramOptions() },
        { "mlp", new MlpOptions { ContextLength = 3, EmbeddingSize = 8, HiddenSize = 24, NumberOfLayers = 2 } },
        { "mlp_per_row", new MlpOptions { ContextLength = 5, EmbeddingSize = 8, HiddenSize = 24, WindowMode = WindowMode.PerRow } },
        { "wavenet", new WaveNetOptions { ContextLength = 8, EmbeddingSize = 8, HiddenSize = 24 } },
        { "wavenet_per_row", new WaveNetOptions { ContextLength = 4, EmbeddingSize = 8, HiddenSize = 24, WindowMode = WindowMode.PerRow } },
        // nanoGPT's bias=False and GPT-2's tanh GELU, from PyTorch's module-default initialisation.
        { "transformer_no_bias_tanh", new TransformerOptions { Width = 32, NumberOfHeads = 4, NumberOfLayers = 2, SequenceLength = 12,
            Bias = false, Gelu = GeluApproximation.Tanh, Initialization = TransformerInitialization.PyTorchDefaults } },
        // Wide enough that libtorch splits the products across its intra-op threads: per time step, in the input
        // projections and weight gradients, and in the output layer.
        { "lstm_wide", new LstmOptions { EmbeddingSize = 16, HiddenSize = 512, NumberOfLayers = 1 } },
        { "gru_wide", new GruOptions { EmbeddingSize = 32, HiddenSize = 512, NumberOfLayers = 1 } },
        { "rnn_wide", new RnnOptions { EmbeddingSize = 32, HiddenSize = 1024, NumberOfLayers = 1 } },
        { "transformer_wide", new TransformerOptions { Width = 256, NumberOfHeads = 4, NumberOfLayers = 1, SequenceLength = 12 } },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void ExportsAVerificationCase(string name, LanguageModelTrainerOptions options)
    {
        options.BatchSize = 4;
        options.SequenceLength = Math.Min(options.SequenceLength, 12);
        options.Epochs = 1;
        options.Dropout = 0f;
        options.ValidationFraction = 0f;
        options.Device = "cpu";
        var ml = new MLContext(seed: 2);
        var lines = File.ReadLines(DataPath("timemachine.txt")).Skip(100).Take(60).Where(l => l.Length > 0).ToArray();
        var data = options.WindowMode == WindowMode.PerRow
            ? ml.Data.LoadFromEnumerable(lines.Select(l => new Line { Text = l.Length > 11 ? l[..11] : l }))
            : ml.Data.LoadFromEnumerable(new[] { new Line { Text = string.Join("\n", lines) } });
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Create(options)).Fit(data);
        var lm = model.LastTransformer;

        var folder = Path.Combine(Environment.GetEnvironmentVariable("SEQUENCELM_VERIFY_DIR") ?? CreateTempDirectory(), name);
        Directory.CreateDirectory(folder);
        var batch = TokenWindows.Create(TokenWindows.ReadRows(model.Take(model.Count() - 1).Aggregate(data, (d, t) => t.Transform(d)),
            "Tokens", lm.Vocabulary), lm.Vocabulary, lm.TrainingWindows).First();
        int b = batch.BatchSize, t = batch.SequenceLength;

        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson(lm.Config));
        lm.ExportWeights(Path.Combine(folder, "weights.safetensors"));
        File.WriteAllText(Path.Combine(folder, "inputs.json"), Rows(batch.Inputs, b, t));
        File.WriteAllText(Path.Combine(folder, "targets.json"), Rows(batch.Targets, b, t));
        var logits = lm.ComputeLogits(batch.Inputs, b, t);
        File.WriteAllBytes(Path.Combine(folder, "logits.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(logits.AsSpan()).ToArray());

        // Two AdamW steps with clipping from the exported weights, on a fresh engine holding them; weight decay on the
        // matrices and embeddings only, unless the case decays every parameter.
        using var twin = LanguageModelEngine.Create(lm.Config.ToEngineSettings(seed: 0), "cpu");
        twin.WriteTensors(TensorKind.Parameters, lm.GetWeights());
        twin.SetOptimizer(new OptimizerSettings
        {
            Type = 2, Beta1 = 0.9f, Beta2 = 0.99f, Eps = 1e-8f, WeightDecay = 0.01f, DecayAll = options.DecayAllParameters,
        });
        var step = new StepSettings { LearningRate = 0.001f, ClipNorm = 0.5f };
        var (loss1, norm1) = twin.TrainStep(batch.Inputs, batch.Targets, b, t, step);
        var (loss2, _) = twin.TrainStep(batch.Inputs, batch.Targets, b, t, step);
        File.WriteAllBytes(Path.Combine(folder, "weights_after.safetensors"), SafeTensors.ToBytes(twin.ReadTensors(TensorKind.Parameters)));
        File.WriteAllText(Path.Combine(folder, "loss.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["first_step_loss"] = loss1, ["first_grad_norm"] = norm1, ["second_step_loss"] = loss2, ["steps"] = 2,
            ["lr"] = 0.001, ["clip_norm"] = 0.5, ["optimizer"] = "adamw", ["beta1"] = 0.9, ["beta2"] = 0.99, ["eps"] = 1e-8,
            ["weight_decay"] = 0.01, ["decay_all"] = options.DecayAllParameters,
        }));
        if (lm.Config.IsRecurrent)
            File.WriteAllText(Path.Combine(folder, "hidden_gradient_norms.json"),
                JsonSerializer.Serialize(lm.Engine.HiddenGradientNorms(batch.Inputs, batch.Targets, b, t)));

        // What PyTorch will read must be what we hold: the safetensors file round-trips to the same tensors.
        var written = SafeTensors.Read(File.ReadAllBytes(Path.Combine(folder, "weights.safetensors")));
        Assert.Equal(lm.GetWeights().Select(w => (w.Name, w.Data.Length)), written.Select(w => (w.Name, w.Data.Length)));
        Assert.All(written.Zip(lm.GetWeights()), p => Assert.Equal(p.Second.Data, p.First.Data));
        Assert.True(float.IsFinite(loss1) && loss2 < loss1, $"two steps on one batch should lower its loss ({loss1} -> {loss2})");
        Output.WriteLine($"{name}: {folder} ({lm.ParameterCount:N0} parameters)");
    }


    private static string ConfigJson(LanguageModelConfig c) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["family"] = c.FamilyName, ["num_layers"] = c.NumberOfLayers, ["vocab_size"] = c.VocabularySize,
        ["embedding_size"] = c.EmbeddingSize, ["hidden_size"] = c.HiddenSize, ["num_heads"] = c.NumberOfHeads,
        ["positional"] = c.Positional == PositionalEncoding.Sinusoidal ? 1 : 0, ["context_length"] = c.ContextLength,
        ["ffn_size"] = c.FeedForwardSize, ["dropout"] = c.Dropout, ["tie_weights"] = c.TieWeights ? 1 : 0,
        ["ignore_index"] = c.IgnoreIndex, ["seed"] = 0, ["bias"] = c.Bias ? 1 : 0,
        ["gelu"] = c.Gelu == GeluApproximation.Tanh ? "tanh" : "none",
    });

    private static string Rows(long[] values, int batch, int steps) =>
        JsonSerializer.Serialize(Enumerable.Range(0, batch).Select(r => values.Skip(r * steps).Take(steps)));

    private sealed class Line
    {
        public string Text { get; set; } = "";
    }
}
