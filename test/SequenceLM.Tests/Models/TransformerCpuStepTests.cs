using Microsoft.ML.SequenceLM.Models;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>
/// The C# transformer step (TransformerCpuStep) gives the logits of a full forward pass at every position, continuing
/// from a key/value cache filled by the libtorch path, for tied and untied heads, with and without biases, with the
/// exact and the tanh GELU, and several rows.
/// </summary>
public sealed class TransformerCpuStepTests
{
    private const int Vocab = 17, Rows = 2, Prompt = 5, Context = 16;

    [Theory]
    [InlineData(false, 1, true, GeluApproximation.None)]
    [InlineData(true, 2, true, GeluApproximation.None)]
    [InlineData(true, 2, false, GeluApproximation.Tanh)]
    [InlineData(false, 1, false, GeluApproximation.None)]
    public void LogitsMatchTheFullForwardPassAtEveryPosition(bool tied, int layers, bool bias, GeluApproximation gelu)
    {
        using var model = LanguageModelEngine.Create(new LanguageModelConfig
        {
            Family = ModelFamily.Transformer,
            VocabularySize = Vocab,
            EmbeddingSize = 32,
            HiddenSize = 32,
            NumberOfLayers = layers,
            NumberOfHeads = 4,
            ContextLength = Context,
            Dropout = 0f,
            TieWeights = tied,
            Bias = bias,
            Gelu = gelu,
        }.ToEngineSettings(11), "cpu");
        var random = new Random(5);
        var tokens = Enumerable.Range(0, Rows * Context).Select(_ => (long)random.Next(Vocab)).ToArray();
        var expected = model.ForwardLogits(tokens, Rows, Context, Vocab); // [rows, context, vocab]

        var net = (TransformerLanguageModel)model.Core.Net;
        var step = TransformerCpuStep.TryCreate(model.Core);
        Assert.NotNull(step);
        using var cache = new KeyValueCache();
        using var inference = inference_mode();
        using (NewDisposeScope())
        {
            var prompts = Enumerable.Range(0, Rows).SelectMany(r => tokens.Skip(r * Context).Take(Prompt)).ToArray();
            net.forward(tensor(prompts, new long[] { Rows, Prompt }), cache);
        }
        var logits = new float[Rows * Vocab];
        for (int t = Prompt; t < Context; t++)
        {
            step!.Step(Enumerable.Range(0, Rows).Select(r => tokens[r * Context + t]).ToArray(), cache, logits);
            Assert.Equal(t + 1, cache.Length);
            for (int r = 0; r < Rows; r++)
                for (int v = 0; v < Vocab; v++)
                    Assert.Equal(expected[(r * Context + t) * Vocab + v], logits[r * Vocab + v], 1e-4f);
        }
    }
}
