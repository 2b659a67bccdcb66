using Microsoft.ML.SequenceLM.Tests.SaveVictim;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Reliability;

/// <summary>Training that diverges or is cancelled stops cleanly and returns usable weights.</summary>
public sealed class FaultTests(ITestOutputHelper output) : TestBase(output)
{
    [Fact]
    public void NonFiniteLossStopsTrainingAndKeepsFiniteWeightsThatGenerate()
    {
        var ml = new MLContext(1);
        var text = Scenarios.Text(ml, 10);
        var options = BadInputTests.TinyGru();
        options.Optimizer = OptimizerKind.Sgd;
        options.LearningRate = 1e38f; // the first update takes the weights near float's limit: the next loss overflows
        options.GradientClipNorm = 0;
        options.MaximumSteps = 200;
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(text);
        var history = model.LastTransformer.History;
        Output.WriteLine($"{history.StopReason} after {history.TotalSteps} steps: {history.StopMessage}");
        Assert.Equal(TrainingStopReason.NonFiniteLoss, history.StopReason);
        Assert.True(history.TotalSteps < 200);
        Assert.Contains($"at step {history.TotalSteps + 1}", history.StopMessage);
        Assert.Contains("Lower LearningRate or set GradientClipNorm", history.StopMessage);
        if (history.TotalSteps > 0) Assert.Contains("(the last with a finite loss) were restored", history.StopMessage);
        Assert.All(history.Records, r => Assert.True(double.IsFinite(r.TrainLoss)));
        Assert.All(model.LastTransformer.GetWeights(), w => Assert.All(w.Data, v => Assert.True(float.IsFinite(v), $"{w.Name} holds {v}")));
        var lm = model.LastTransformer;
        Assert.All(lm.ComputeLogits(new long[] { 1, 2, 3, 4 }, 1, 4), v => Assert.True(float.IsFinite(v)));
        var sample = ml.LanguageModels().CreateGenerator(model).Generate("the ", 1, new GenerationOptions { MaxTokens = 10, Seed = 1 })[0];
        Assert.Equal(10, sample.Keys.Length);
    }

    [Fact]
    public void CancellingFromTheProgressCallbackReturnsTheModelSoFar()
    {
        var ml = new MLContext(1);
        var text = Scenarios.Text(ml, 10);
        using var cancel = new CancellationTokenSource();
        var options = BadInputTests.TinyGru();
        options.MaximumSteps = null;
        options.Epochs = 50; // far more than will run
        options.CancellationToken = cancel.Token;
        long lastReported = 0;
        options.Progress = new Scenarios.SyncProgress(p =>
        {
            lastReported = p.Step;
            if (p.Step == 7) cancel.Cancel(); // mid-epoch: an epoch has 11 batches here
        });
        using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Gru(options)).Fit(text);
        var history = model.LastTransformer.History;
        Output.WriteLine($"{history.StopReason}: {history.StopMessage}");
        Assert.Equal(TrainingStopReason.Cancelled, history.StopReason);
        Assert.Equal(7, history.TotalSteps);
        Assert.Equal(7, lastReported);
        Assert.Contains("Cancelled at step 7", history.StopMessage);
        var sample = ml.LanguageModels().CreateGenerator(model).Generate("the ", 1, new GenerationOptions { MaxTokens = 5, Seed = 1 })[0];
        Assert.Equal(5, sample.Keys.Length);
    }
}
