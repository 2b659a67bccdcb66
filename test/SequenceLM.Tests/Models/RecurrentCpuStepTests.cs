using Microsoft.ML.SequenceLM.Models;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>
/// The C# generation step (RecurrentCpuStep) gives the logits of the stock modules' full forward pass at every
/// position, for every recurrent family, one-hot and embedded input, tied head, several rows.
/// </summary>
public sealed class RecurrentCpuStepTests
{
    private const int Vocab = 13, Rows = 3, Prompt = 4, Steps = 12;

    [Theory]
    [InlineData(ModelFamily.RnnTanh, 0, false)]
    [InlineData(ModelFamily.RnnRelu, 8, false)]
    [InlineData(ModelFamily.Gru, 0, false)]
    [InlineData(ModelFamily.Gru, 16, true)]
    [InlineData(ModelFamily.Lstm, 0, false)]
    [InlineData(ModelFamily.Lstm, 24, true)]
    public void LogitsMatchTheFullForwardPassAtEveryPosition(ModelFamily family, int embedding, bool tied)
    {
        using var model = LanguageModelEngine.Create(new LanguageModelConfig
        {
            Family = family,
            VocabularySize = Vocab,
            EmbeddingSize = embedding,
            HiddenSize = tied ? embedding : 24,
            NumberOfLayers = 2,
            Dropout = 0f,
            TieWeights = tied,
        }.ToEngineSettings(7), "cpu");
        var random = new Random(3);
        var tokens = Enumerable.Range(0, Rows * (Prompt + Steps)).Select(_ => (long)random.Next(Vocab)).ToArray();
        int length = Prompt + Steps;
        var expected = model.ForwardLogits(tokens, Rows, length, Vocab); // [rows, length, vocab]

        var net = (RecurrentLanguageModel)model.Core.Net;
        var prompts = Enumerable.Range(0, Rows).SelectMany(r => tokens.Skip(r * length).Take(Prompt)).ToArray();
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var (_, _, state) = net.forward(tensor(prompts, new long[] { Rows, Prompt }), null, null);
        var step = RecurrentCpuStep.TryCreate(model.Core, state);
        Assert.NotNull(step);
        var logits = new float[Rows * Vocab];
        for (int t = Prompt; t < length; t++)
        {
            step!.Step(Enumerable.Range(0, Rows).Select(r => tokens[r * length + t]).ToArray(), logits);
            for (int r = 0; r < Rows; r++)
                for (int v = 0; v < Vocab; v++)
                    Assert.Equal(expected[(r * length + t) * Vocab + v], logits[r * Vocab + v], 1e-4f);
        }
    }
}
