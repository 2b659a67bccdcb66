using Microsoft.ML.SequenceLM.Models;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>Small CPU steps run on one intra-op thread, larger ones on all; the thread count is always restored.</summary>
public sealed class SmallStepThreadsTests
{
    [Fact]
    public void OnlySmallCpuStepsRunOnOneThreadAndTheCountComesBack()
    {
        set_num_threads(2); // libtorch's count is per calling thread, so this test's thread sees only its own settings
        using (SmallStepThreads.For(SmallStepThreads.SerialWork - 1, CPU)) Assert.Equal(1, get_num_threads());
        Assert.Equal(2, get_num_threads());
        using (SmallStepThreads.For(SmallStepThreads.SerialWork, CPU)) Assert.Equal(2, get_num_threads());
        Assert.Equal(2, get_num_threads());
    }

    [Fact]
    public void ATrainingStepLeavesTheThreadCountAsItFoundIt()
    {
        set_num_threads(2);
        using var model = LanguageModelEngineTests.CreateWithAdam(LanguageModelEngineTests.Config(ModelFamily.Gru));
        var (x, y) = LanguageModelEngineTests.CycleBatch(4, 12, 5);
        model.TrainStep(x, y, 4, 12, new StepSettings { LearningRate = 0.01f });
        Assert.Equal(2, get_num_threads());
    }
}
