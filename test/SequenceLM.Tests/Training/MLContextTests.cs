using Microsoft.ML.SequenceLM.Tests.SaveVictim;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Training;

/// <summary>Trainers take their seed and device from ML.NET's <see cref="MLContext"/>.</summary>
public sealed class MLContextTests(ITestOutputHelper output) : TestBase(output)
{
    private static GruOptions Tiny() => new()
    {
        EmbeddingSize = 8, HiddenSize = 16, NumberOfLayers = 1, BatchSize = 4, SequenceLength = 16, MaximumSteps = 6,
        Dropout = 0.1f, ValidationFraction = 0f, WindowMode = WindowMode.Random,
    };

    private static double[] Losses(MLContext ml, GruOptions options)
    {
        var text = Scenarios.Text(ml, 5);
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(text);
        return model.LastTransformer.History.Records.Select(r => r.TrainLoss).ToArray();
    }

    [Fact]
    public void ASeededContextGivesTheSameTrainingAndAnotherSeedAnother()
    {
        var a = Losses(new MLContext(seed: 3), Tiny());
        var b = Losses(new MLContext(seed: 3), Tiny());
        var c = Losses(new MLContext(seed: 4), Tiny());
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void GpuDeviceIdWithFallbackTrainsOnTheCpuWhenThatGpuIsAbsent()
    {
        if (TorchRuntime.CudaDeviceCount > 0) return; // a GPU is here: the fallback cannot happen
        var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
        var text = Scenarios.Text(ml, 5);
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(Tiny())).Fit(text);
        Assert.Equal("cpu", model.LastTransformer.Device);

        var strict = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        var e = Assert.Throws<InvalidOperationException>(() => strict.LanguageModels().Trainers.Gru(Tiny()));
        Assert.Contains("GpuDeviceId", e.Message);
        Assert.Contains("FallbackToCpu", e.Message);
    }

    [Fact]
    public void AnExplicitDeviceOptionWinsOverTheContext()
    {
        var ml = new MLContext(seed: 1) { GpuDeviceId = 7, FallbackToCpu = false };
        var options = Tiny();
        options.Device = "cpu";
        var text = Scenarios.Text(ml, 5);
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(text);
        Assert.Equal("cpu", model.LastTransformer.Device);
    }
}
