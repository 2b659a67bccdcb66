using Microsoft.ML.SequenceLM.Native;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Native;

/// <summary>
/// Models wide enough that the native layer splits their matrix products across the intra-op threads
/// (native/src/parallel_matmul.h: per time step, whole-sequence projections, gradients, output layer) give what one
/// thread gives, in training and in generation (which runs in libtorch's inference mode on every thread).
/// </summary>
public sealed class SplitProductTests(ITestOutputHelper output)
{
    private const int Vocab = 64, Batch = 8, Steps = 24;

    [Theory]
    [InlineData(ModelFamily.RnnTanh, 768)]
    [InlineData(ModelFamily.Gru, 768)]
    [InlineData(ModelFamily.Lstm, 768)]
    [InlineData(ModelFamily.Transformer, 256)]
    public void SplitProductsGiveTheOneThreadResults(ModelFamily family, int width)
    {
        if (Environment.ProcessorCount < 2) return; // nothing is split on one core: both runs below are the same run
        var config = NativeModelTests.Config(family, Vocab, width) with { NumberOfLayers = 1, ContextLength = Steps };
        var (x, y) = NativeModelTests.CycleBatch(Batch, Steps, Vocab);
        var step = new NativeStepOptions { LearningRate = 3e-3f, ClipNorm = 1f };

        var (split, splitLosses, splitTokens) = Run(config, x, y, step, threads: Environment.ProcessorCount);
        var (single, singleLosses, singleTokens) = Run(config, x, y, step, threads: 1);

        float scale = single.Max(MathF.Abs);
        float logitError = split.Zip(single, (a, b) => MathF.Abs(a - b)).Max() / scale;
        output.WriteLine($"{family} {width}: logits max error {logitError:E2} of {scale:F2}; losses " +
                         $"{string.Join(" ", splitLosses.Select(l => l.ToString("F4")))} vs {string.Join(" ", singleLosses.Select(l => l.ToString("F4")))}");
        Assert.True(logitError < 1e-4f, $"logits differ by {logitError:E2} relative between split and one-thread products");
        Assert.All(splitLosses.Zip(singleLosses), p => Assert.Equal(p.Second, p.First, 1e-3f));
        Assert.True(singleLosses[^1] < singleLosses[0] - 1f, "the steps should have learned the cycle");

        // Greedy continuation of the cycle, batch 4 (step-major): the same tokens, and the right ones.
        Assert.Equal(singleTokens, splitTokens);
        Assert.Equal(Enumerable.Range(0, 4 * 12).Select(i => (long)((i % 4 + 8 + i / 4) % Vocab)), splitTokens);
    }

    private static (float[] Logits, float[] Losses, long[] Tokens) Run(LanguageModelConfig config, long[] x, long[] y,
        NativeStepOptions step, int threads)
    {
        int before = TorchRuntime.Threads;
        TorchRuntime.Threads = threads;
        try
        {
            using var model = NativeModelTests.CreateWithAdam(config, seed: 3);
            var losses = new float[20];
            for (int i = 0; i < losses.Length; i++) losses[i] = model.TrainStep(x, y, Batch, Steps, step).Loss;
            var logits = model.ForwardLogits(x, Batch, Steps, Vocab);
            var prompts = Enumerable.Range(0, 4).Select(r => Enumerable.Range(r, 8).Select(t => (long)t).ToArray()).ToArray();
            using var generator = NativeGenerator.Create(model, prompts, new NativeSampling { Temperature = 0 }, default);
            var tokens = new long[4 * 12];
            generator.Next(12, -1, tokens);
            return (logits, losses, tokens);
        }
        finally
        {
            TorchRuntime.Threads = before;
        }
    }
}
