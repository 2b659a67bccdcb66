using Microsoft.ML.SequenceLM.Models;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>
/// The Transformer's recipe knobs: no biases (nanoGPT's bias=False), the tanh-approximate GELU, and the
/// initialisation scheme (GPT-2 style or PyTorch's module defaults).
/// </summary>
public sealed class TransformerVariantTests(ITestOutputHelper output) : TestBase(output)
{
    private static TransformerOptions Small() => new()
    {
        Width = 32, NumberOfHeads = 4, NumberOfLayers = 2, SequenceLength = 16, BatchSize = 8, MaximumSteps = 30, Dropout = 0,
        ValidationFraction = 0, Device = "cpu", Seed = 4, LearningRate = 3e-3f, LearningRateSchedule = LearningRateSchedule.Constant,
    };

    private static IDataView Corpus(MLContext ml) => ml.Data.LoadFromEnumerable(new[]
    {
        new Document { Text = string.Concat(Enumerable.Repeat("the cat sat on the mat. the dog sat on the log. ", 30)) },
    });

    [Fact]
    public void WithoutBiasesAndWithTanhGeluItTrainsAndSurvivesSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        var text = Corpus(ml);
        var options = Small();
        options.Bias = false;
        options.Gelu = GeluApproximation.Tanh;
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Transformer(options)).Fit(text);
        var lm = model.LastTransformer;
        var names = lm.GetWeights().Select(w => w.Name).ToList();
        Output.WriteLine(string.Join(" ", names));
        Assert.DoesNotContain(names, n => n.EndsWith(".bias", StringComparison.Ordinal));
        Assert.Contains("blocks.0.ln1.weight", names);
        Assert.False(lm.Config.Bias);
        Assert.Equal(GeluApproximation.Tanh, lm.Config.Gelu);
        var records = lm.History.Records;
        Assert.True(records[^1].TrainLoss < 0.7 * records[0].TrainLoss, $"loss should fall: {records[0].TrainLoss} -> {records[^1].TrainLoss}");

        using var withBiases = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Transformer(Small())).Fit(text);
        long width = 32, vocab = lm.Vocabulary.Count, ffn = 4 * width;
        long biases = 2 * (2 * width + 3 * width + width + ffn + width) + width + vocab;   // two blocks, ln_f, head
        Assert.Equal(withBiases.LastTransformer.ParameterCount - biases, lm.ParameterCount);

        var path = Path.Combine(CreateTempDirectory(), "model.zip");
        ml.Model.Save(model, text.Schema, path);
        using var loaded = (IDisposable)ml.Model.Load(path, out _);
        var loadedLm = (LanguageModelTransformer)((TransformerChain<ITransformer>)loaded).LastTransformer;
        var keys = lm.Vocabulary.Encode("the dog sat".Select(c => c.ToString()));
        Assert.Equal(lm.Config, loadedLm.Config);
        Assert.Equal(lm.ComputeLogits(keys, 1, keys.Length), loadedLm.ComputeLogits(keys, 1, keys.Length));
    }

    [Fact]
    public void InitialisationSchemesDrawTheirOwnScales()
    {
        static Dictionary<string, float[]> Weights(TransformerInitialization scheme)
        {
            using var engine = LanguageModelEngine.Create(new LanguageModelConfig
            {
                Family = ModelFamily.Transformer, VocabularySize = 50, EmbeddingSize = 64, HiddenSize = 64, NumberOfLayers = 2,
                NumberOfHeads = 4, ContextLength = 16, Initialization = scheme,
            }.ToEngineSettings(9), "cpu");
            return engine.ReadTensors(TensorKind.Parameters).ToDictionary(w => w.Name, w => w.Data);
        }
        static double Std(float[] v) => Math.Sqrt(v.Select(x => (double)x * x).Average() - Math.Pow(v.Average(x => (double)x), 2));

        var gpt2 = Weights(TransformerInitialization.Gpt2);
        var pytorch = Weights(TransformerInitialization.PyTorchDefaults);
        Assert.InRange(Std(gpt2["wte.weight"]), 0.018, 0.022);
        Assert.InRange(Std(gpt2["blocks.0.attn.proj.weight"]), 0.8 * 0.01, 1.2 * 0.01);        // 0.02 / sqrt(2 x 2 layers)
        Assert.All(gpt2["blocks.0.attn.qkv.bias"], b => Assert.Equal(0f, b));
        Assert.InRange(Std(pytorch["wte.weight"]), 0.9, 1.1);                                    // nn.Embedding: N(0, 1)
        Assert.InRange(Std(pytorch["blocks.0.attn.qkv.weight"]), 0.9 / Math.Sqrt(3 * 64), 1.1 / Math.Sqrt(3 * 64)); // U(-1/sqrt(64), 1/sqrt(64))
        Assert.Contains(pytorch["blocks.0.attn.qkv.bias"], b => b != 0f);
        Assert.All(pytorch["blocks.0.ln1.weight"], g => Assert.Equal(1f, g));
    }

    private sealed class Document
    {
        public string Text { get; set; } = "";
    }
}
