using Microsoft.ML.SequenceLM.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>
/// Weight decay reaches matrices and embeddings only, not biases or normalisation gains, unless every parameter is
/// asked to decay. With a zero gradient the optimizers' own updates vanish and only the decay moves a parameter.
/// </summary>
public sealed class WeightDecayTests
{
    private const float Lr = 0.1f, Decay = 0.5f;

    [Theory]
    [InlineData(0, false)]   // SGD: L2 added to the gradient
    [InlineData(2, false)]   // AdamW: decoupled
    [InlineData(0, true)]
    [InlineData(2, true)]
    public void OnlyMatricesDecayUnlessAllParametersDo(int type, bool decayAll)
    {
        var matrix = new Parameter(ones(3, 4));
        var vector = new Parameter(ones(4));
        using var flat = new FlatParameters(new[] { ("b", vector), ("w", matrix) });  // the matrix leads the buffer
        (matrix.sum() * 0 + vector.sum() * 0).backward();   // zero gradients, accumulated into the flat buffer
        using var optimizer = new ParameterOptimizer(new OptimizerSettings
        {
            Type = type, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f, WeightDecay = Decay, DecayAll = decayAll,
        });
        optimizer.Step(flat, Lr);

        float decayed = 1 - Lr * Decay;
        Assert.All(matrix.data<float>().ToArray(), v => Assert.Equal(decayed, v, 6));
        Assert.All(vector.data<float>().ToArray(), v => Assert.Equal(decayAll ? decayed : 1f, v, 6));
    }

    [Fact]
    public void TheTrainerPassesTheChoiceToTheOptimizer()
    {
        var ml = new MLContext(seed: 1);
        var text = ml.Data.LoadFromEnumerable(new[] { new Document { Text = string.Concat(Enumerable.Repeat("abcab cbaab ", 40)) } });
        Dictionary<string, float[]> Train(bool decayAll)
        {
            var options = new TransformerOptions
            {
                Width = 16, NumberOfHeads = 2, NumberOfLayers = 1, SequenceLength = 8, BatchSize = 4, MaximumSteps = 1, Dropout = 0,
                ValidationFraction = 0, Device = "cpu", Seed = 3, WeightDecay = 0.5f, LearningRate = 1e-2f, DecayAllParameters = decayAll,
                LearningRateSchedule = LearningRateSchedule.Constant,
            };
            using var model = ml.Transforms.TokenizeChars().Append(ml.LanguageModels().Trainers.Transformer(options)).Fit(text);
            return model.LastTransformer.GetWeights().ToDictionary(w => w.Name, w => w.Data.ToArray());
        }
        var some = Train(decayAll: false);
        var all = Train(decayAll: true);
        // A LayerNorm gain starts at 1 and the two runs share everything else (seed, batch, gradient), so decoupled decay
        // of the gain is the only difference: lr x 0.5 x 1 = 0.005.
        Assert.All(some["ln_f.weight"].Zip(all["ln_f.weight"]), p => Assert.Equal(p.First - 0.005f, p.Second, 5));
        Assert.Equal(some["wte.weight"], all["wte.weight"]);
    }

    private sealed class Document
    {
        public string Text { get; set; } = "";
    }
}
