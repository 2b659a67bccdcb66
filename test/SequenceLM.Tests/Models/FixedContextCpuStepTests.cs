using Microsoft.ML.SequenceLM.Models;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>
/// The C# generation step of the fixed-context families (FixedContextCpuStep) gives the logits of the model's full
/// forward pass at every position, including the first positions, whose context reaches before the start of the row,
/// and after training steps have moved every weight and WaveNet's running statistics away from their initial values.
/// </summary>
public sealed class FixedContextCpuStepTests
{
    private const int Vocab = 11, Rows = 3, Length = 14;

    [Theory]
    [InlineData(ModelFamily.Bigram, 1, 1)]
    [InlineData(ModelFamily.Mlp, 3, 1)]
    [InlineData(ModelFamily.Mlp, 4, 2)]
    [InlineData(ModelFamily.WaveNet, 8, 3)]
    public void LogitsMatchTheFullForwardPassAtEveryPosition(ModelFamily family, int context, int layers)
    {
        using var model = LanguageModelEngineTests.CreateWithAdam(new LanguageModelConfig
        {
            Family = family,
            VocabularySize = Vocab,
            EmbeddingSize = family == ModelFamily.Bigram ? 0 : 6,
            HiddenSize = family == ModelFamily.Bigram ? Vocab : 10,
            NumberOfLayers = layers,
            ContextLength = context,
        });
        var (x, y) = LanguageModelEngineTests.CycleBatch(4, 12, Vocab);
        for (int i = 0; i < 5; i++) model.TrainStep(x, y, 4, 12, new StepSettings { LearningRate = 0.05f });

        var random = new Random(5);
        var tokens = Enumerable.Range(0, Rows * Length).Select(_ => (long)random.Next(Vocab)).ToArray();
        var expected = model.ForwardLogits(tokens, Rows, Length, Vocab); // [rows, length, vocab]
        var step = FixedContextCpuStep.TryCreate(model.Core);
        Assert.NotNull(step);
        var logits = new float[Rows * Vocab];
        for (int t = 0; t < Length; t++)
        {
            var contexts = Enumerable.Range(0, Rows)
                .Select(r => tokens.Skip(r * Length).Take(t + 1).TakeLast(context).ToList()).ToArray();
            step!.Step(contexts, logits);
            for (int r = 0; r < Rows; r++)
                for (int v = 0; v < Vocab; v++)
                    Assert.Equal(expected[(r * Length + t) * Vocab + v], logits[r * Vocab + v], 1e-4f);
        }
    }

    [Fact]
    public void RecurrentAndTransformerModelsHaveNoFixedContextStep()
    {
        using var model = LanguageModelEngineTests.CreateWithAdam(LanguageModelEngineTests.Config(ModelFamily.Gru));
        Assert.Null(FixedContextCpuStep.TryCreate(model.Core));
    }
}
