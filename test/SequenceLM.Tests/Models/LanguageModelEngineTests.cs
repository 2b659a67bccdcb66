using System.Diagnostics;
using Microsoft.ML.SequenceLM.Generation;
using Microsoft.ML.SequenceLM.Models;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>The engine round trip: create, train, generate, read and write weights, free; and its errors.</summary>
public sealed class LanguageModelEngineTests(ITestOutputHelper output)
{
    internal static LanguageModelConfig Config(ModelFamily family, int vocab = 5, int hidden = 32) => new()
    {
        Family = family,
        VocabularySize = vocab,
        EmbeddingSize = hidden,
        HiddenSize = hidden,
        NumberOfLayers = 2,
        NumberOfHeads = 4,
        ContextLength = 16,
        Dropout = 0f,
    };

    internal static LanguageModelEngine CreateWithAdam(LanguageModelConfig config, ulong seed = 1)
    {
        var model = LanguageModelEngine.Create(config.ToEngineSettings(seed), "cpu");
        model.SetOptimizer(new OptimizerSettings { Type = 1, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f });
        return model;
    }

    /// <summary>Batch of 4 rows of the cycle 0 1 2 3 4 0 1 ..., each row starting elsewhere; targets are the next tokens.</summary>
    internal static (long[] X, long[] Y) CycleBatch(int batch, int steps, int vocab)
    {
        var x = new long[batch * steps];
        var y = new long[batch * steps];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
            {
                x[b * steps + t] = (b + t) % vocab;
                y[b * steps + t] = (b + t + 1) % vocab;
            }
        return (x, y);
    }

    [Theory]
    [InlineData(ModelFamily.RnnTanh)]
    [InlineData(ModelFamily.Gru)]
    [InlineData(ModelFamily.Lstm)]
    [InlineData(ModelFamily.Transformer)]
    public void TrainingStepsLowerTheLossAndGenerationFollowsTheLearnedCycle(ModelFamily family)
    {
        using var model = CreateWithAdam(Config(family));
        var (x, y) = CycleBatch(4, 12, 5);
        var step = new StepSettings { LearningRate = 0.01f, ClipNorm = 5f };
        float first = model.TrainStep(x, y, 4, 12, step).Loss;
        float last = first;
        for (int i = 0; i < 60; i++) last = model.TrainStep(x, y, 4, 12, step with { Seed = (ulong)i }).Loss;
        output.WriteLine($"{family}: loss {first:F3} -> {last:F3}");
        Assert.InRange(first, 1.2f, 2.2f); // about ln(5) = 1.61 at initialisation
        Assert.True(last < 0.2f, $"loss should fall well below ln(5) on a deterministic cycle, got {last}");

        using var generator = GenerationSession.Create(model, new[] { new long[] { 0, 1 } }, new SamplingSettings { Temperature = 0 }, default);
        var tokens = new long[8];
        generator.Next(8, -1, tokens);
        Assert.Equal(new long[] { 2, 3, 4, 0, 1, 2, 3, 4 }, tokens);
    }

    [Fact]
    public void ReportedGradientNormIsTheNormOfTheAppliedGradientOnALargeModel()
    {
        // 5.5M parameters (a word-level vocabulary): a float reduction over one buffer this long drifts by 1e-4.
        var config = Config(ModelFamily.Gru, vocab: 10_000, hidden: 256) with { NumberOfLayers = 1 };
        using var model = LanguageModelEngine.Create(config.ToEngineSettings(seed: 5), "cpu");
        model.SetOptimizer(new OptimizerSettings { Type = 0 }); // plain SGD: weights -= lr * gradient
        var before = model.ReadTensors(TensorKind.Parameters);
        var (x, y) = CycleBatch(4, 16, 10_000);
        const float lr = 1000f; // large enough that the weight change, not its rounding, is what is measured
        var (_, reported) = model.TrainStep(x, y, 4, 16, new StepSettings { LearningRate = lr });
        var after = model.ReadTensors(TensorKind.Parameters);

        double squares = 0;
        foreach (var (b, a) in before.Zip(after))
            for (int i = 0; i < b.Data.Length; i++)
            {
                double g = ((double)b.Data[i] - a.Data[i]) / lr;
                squares += g * g;
            }
        double applied = Math.Sqrt(squares);
        output.WriteLine($"{model.ParameterCount:N0} parameters: reported norm {reported:G9}, applied {applied:G9}");
        Assert.True(Math.Abs(reported - applied) / applied < 1e-5, $"reported {reported}, applied gradient's norm {applied}");
    }

    [Fact]
    public void AModelCreatedInsideACallersDisposeScopeOutlivesIt()
    {
        LanguageModelEngine model;
        using (TorchSharp.torch.NewDisposeScope())
            model = LanguageModelEngine.Create((Config(ModelFamily.Transformer) with { Positional = PositionalEncoding.Sinusoidal }).ToEngineSettings(1), "cpu");
        using (model)
        {
            var (x, _) = CycleBatch(1, 4, 5);
            Assert.All(model.ForwardLogits(x, 1, 4, 5), v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void WeightsWrittenBackGiveIdenticalLogits()
    {
        using var a = CreateWithAdam(Config(ModelFamily.Gru), seed: 1);
        using var b = CreateWithAdam(Config(ModelFamily.Gru), seed: 2);
        var (x, _) = CycleBatch(2, 6, 5);
        Assert.NotEqual(a.ForwardLogits(x, 2, 6, 5), b.ForwardLogits(x, 2, 6, 5));

        var weights = a.ReadTensors(TensorKind.Parameters);
        Assert.Contains(weights, t => t.Name == "rnn.weight_ih_l0" && t.Shape.SequenceEqual(new long[] { 96, 32 }));
        b.WriteTensors(TensorKind.Parameters, weights);
        Assert.Equal(a.ForwardLogits(x, 2, 6, 5), b.ForwardLogits(x, 2, 6, 5));
        Assert.Equal(weights.Sum(w => w.ElementCount), a.ParameterCount);
    }

    [Fact]
    public void TokenOutsideTheVocabularyIsAnArgumentErrorThatNamesIt()
    {
        using var model = CreateWithAdam(Config(ModelFamily.Lstm));
        var x = new long[] { 0, 1, 7, 2 };
        var e = Assert.Throws<ArgumentException>(() => model.TrainStep(x, x, 1, 4, new StepSettings { LearningRate = 0.01f }));
        output.WriteLine(e.Message);
        Assert.Contains("7", e.Message);
        Assert.Contains("5", e.Message);
    }

    [Fact]
    public void LibtorchAllocationFailureBecomesAManagedException()
    {
        // A 2^31 x 2^20 embedding (8 PB) cannot be allocated: libtorch throws; we get its message.
        var config = Config(ModelFamily.Gru) with { VocabularySize = int.MaxValue, EmbeddingSize = 1 << 20 };
        var e = Assert.ThrowsAny<Exception>(() => LanguageModelEngine.Create(config.ToEngineSettings(1), "cpu"));
        output.WriteLine($"{e.GetType().Name}: {e.Message}");
        Assert.True(e is InsufficientMemoryException or TorchOperationException, e.GetType().Name);
        Assert.Contains("Creating the model failed", e.Message);
    }

    [Fact]
    public void InvalidConfigurationIsRejectedWithTheFieldName()
    {
        var e = Assert.Throws<ArgumentException>(() => LanguageModelEngine.Create((Config(ModelFamily.Transformer) with { NumberOfHeads = 3 }).ToEngineSettings(1), "cpu"));
        output.WriteLine(e.Message);
        Assert.Contains("head", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CudaOnAMachineWithoutItIsDeviceUnavailable()
    {
        if (TorchRuntime.CudaDeviceCount > 0) return; // this machine has a GPU: the error cannot happen here
        var e = Assert.Throws<DeviceUnavailableException>(() => LanguageModelEngine.Create(Config(ModelFamily.Gru).ToEngineSettings(1), "cuda"));
        Assert.Contains("cpu", e.Message);
        using var auto = LanguageModelEngine.Create(Config(ModelFamily.Gru).ToEngineSettings(1), "auto");
        Assert.Equal("cpu", auto.Device);
    }

    [Fact]
    public void CudaUnavailableNamesTheCudaRuntimePackages()
    {
        if (TorchRuntime.CudaDeviceCount > 0) return; // this machine has a GPU: the error cannot happen here
        var e = Assert.Throws<DeviceUnavailableException>(() => LanguageModelEngine.Create(Config(ModelFamily.Gru).ToEngineSettings(1), "cuda:1"));
        output.WriteLine(e.Message);
        Assert.Contains("TorchSharp-cuda-linux", e.Message);
        Assert.Contains("TorchSharp-cuda-windows", e.Message);
    }

    [Fact]
    public void MissingTorchRuntimeNamesThePackagesToAdd()
    {
        // What TorchSharp throws on first use when no runtime package (TorchSharp-cpu / -cuda-*) is referenced.
        var loadFailure = new NotSupportedException("The libtorch-cpu package is not installed; see the trace.");
        Assert.True(TorchRuntime.IsLoadFailure(loadFailure));
        var e = TorchRuntime.Missing(loadFailure);
        output.WriteLine(e.Message);
        Assert.Contains("TorchSharp-cpu", e.Message);
        Assert.Contains("TorchSharp-cuda-linux", e.Message);
        Assert.Contains("libtorch-cpu package is not installed", e.Message);
        Assert.Same(loadFailure, e.InnerException);
    }

    [Fact]
    public void ParameterNamesAreThoseOfPyTorchModules()
    {
        using var lstm = LanguageModelEngine.Create(Config(ModelFamily.Lstm).ToEngineSettings(1), "cpu");
        Assert.Equal(new[]
        {
            "embedding.weight",
            "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
            "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
            "head.weight", "head.bias",
        }, lstm.ReadTensors(TensorKind.Parameters).Select(t => t.Name));

        var tied = Config(ModelFamily.Transformer) with { NumberOfLayers = 1, TieWeights = true, Positional = PositionalEncoding.Sinusoidal };
        using var transformer = LanguageModelEngine.Create(tied.ToEngineSettings(1), "cpu");
        Assert.Equal(new[]
        {
            "wte.weight",
            "blocks.0.ln1.weight", "blocks.0.ln1.bias", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias",
            "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias", "blocks.0.ln2.weight", "blocks.0.ln2.bias",
            "blocks.0.mlp.fc.weight", "blocks.0.mlp.fc.bias", "blocks.0.mlp.proj.weight", "blocks.0.mlp.proj.bias",
            "ln_f.weight", "ln_f.bias", "head.bias",
        }, transformer.ReadTensors(TensorKind.Parameters).Select(t => t.Name));
    }

}

/// <summary>Measures the process's resident memory, so it runs alone: no other test may allocate meanwhile.</summary>
[CollectionDefinition(nameof(MemoryGrowthTest), DisableParallelization = true)]
public sealed class MemoryGrowthCollection;

[Collection(nameof(MemoryGrowthTest))]
public sealed class MemoryGrowthTest(ITestOutputHelper output)
{
    [Fact]
    public void CreatingAndFreeingAThousandModelsDoesNotGrowMemory()
    {
        var config = LanguageModelEngineTests.Config(ModelFamily.Gru, vocab: 100, hidden: 64); // ~60k parameters, 240 KB each
        void CreateAndFree(int count)
        {
            var (x, y) = LanguageModelEngineTests.CycleBatch(2, 8, 100);
            for (int i = 0; i < count; i++)
            {
                using var model = LanguageModelEngineTests.CreateWithAdam(config);
                model.TrainStep(x, y, 2, 8, new StepSettings { LearningRate = 0.01f }); // allocates optimizer state too
            }
        }
        CreateAndFree(100);
        long before = Process.GetCurrentProcess().WorkingSet64;
        CreateAndFree(1000);
        GC.Collect();
        long growth = Process.GetCurrentProcess().WorkingSet64 - before;
        output.WriteLine($"resident memory growth over 1,000 models: {growth / 1e6:F1} MB");
        Assert.True(growth < 60_000_000, $"1,000 freed models should not keep their ~240 MB; grew {growth / 1e6:F1} MB");
    }
}
