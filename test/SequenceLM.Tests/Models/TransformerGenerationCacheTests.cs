using Microsoft.ML.SequenceLM.Generation;
using Microsoft.ML.SequenceLM.Models;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Models;

/// <summary>
/// Transformer generation with the key/value cache gives the tokens of a full forward pass over each window: exactly
/// while the window grows, and with the documented sliding rule (keep the last 3/4 of the context) once it is full.
/// </summary>
public sealed class TransformerGenerationCacheTests(ITestOutputHelper output)
{
    private const int Vocab = 11, Context = 16;

    private static LanguageModelEngine Create() => LanguageModelEngine.Create(new LanguageModelConfig
    {
        Family = ModelFamily.Transformer,
        VocabularySize = Vocab,
        EmbeddingSize = 32,
        HiddenSize = 32,
        NumberOfLayers = 2,
        NumberOfHeads = 4,
        ContextLength = Context,
        Dropout = 0f,
    }.ToEngineSettings(3), "cpu");

    private static long ArgMaxOfLast(LanguageModelEngine model, List<long> window)
    {
        var logits = model.ForwardLogits(window.ToArray(), 1, window.Count, Vocab);
        var last = logits.AsSpan((window.Count - 1) * Vocab, Vocab);
        int best = 0;
        for (int v = 1; v < Vocab; v++) if (last[v] > last[best]) best = v;
        return best;
    }

    /// <summary>Greedy tokens from full forward passes, windows following the generator's rule.</summary>
    private static List<long> Reference(LanguageModelEngine model, long[] prompt, int count)
    {
        var window = new List<long>(prompt);
        var tokens = new List<long>();
        for (int i = 0; i < count; i++)
        {
            var token = ArgMaxOfLast(model, window);
            tokens.Add(token);
            window.Add(token);
            if (window.Count > Context) window.RemoveRange(0, window.Count - (Context - Context / 4));
        }
        return tokens;
    }

    [Fact]
    public void GreedyTokensMatchFullForwardPassesWithinAndBeyondTheContext()
    {
        using var model = Create();
        var prompt = new long[] { 1, 5, 2 };
        const int count = 60; // fills the 16-token window several times
        using var generator = GenerationSession.Create(model, new[] { prompt }, new SamplingSettings { Temperature = 0 }, default);
        var tokens = new long[count];
        generator.Next(count, -1, tokens);
        var expected = Reference(model, prompt, count);
        output.WriteLine(string.Join(" ", tokens));
        Assert.Equal(expected, tokens);
    }

    [Fact]
    public void RowsOfDifferentPromptLengthsGenerateAsTheyWouldAlone()
    {
        using var model = Create();
        var a = new long[] { 1, 5, 2 };
        var b = new long[] { 7, 3, 3, 9, 4, 0 };
        const int count = 8; // within the context: both paths are exact
        using var both = GenerationSession.Create(model, new[] { a, b }, new SamplingSettings { Temperature = 0 }, default);
        var tokens = new long[count * 2];
        both.Next(count, -1, tokens);
        Assert.Equal(Reference(model, a, count), Enumerable.Range(0, count).Select(i => tokens[2 * i]));
        Assert.Equal(Reference(model, b, count), Enumerable.Range(0, count).Select(i => tokens[2 * i + 1]));
    }

    [Theory]
    [InlineData(ModelFamily.RnnTanh, 0)]
    [InlineData(ModelFamily.Gru, 0)]
    [InlineData(ModelFamily.Lstm, 0)]
    [InlineData(ModelFamily.Gru, 16)]
    [InlineData(ModelFamily.Lstm, 16)]
    public void OneRowRecurrentGenerationMatchesFullForwardPasses(ModelFamily family, int embedding)
    {
        // Batch-1 generation runs its own matrix-vector cell step; it must agree with the fused module.
        using var model = LanguageModelEngine.Create(new LanguageModelConfig
        {
            Family = family,
            VocabularySize = Vocab,
            EmbeddingSize = embedding,
            HiddenSize = 24,
            NumberOfLayers = 2,
            Dropout = 0f,
        }.ToEngineSettings(5), "cpu");
        var prompt = new long[] { 4, 8, 1 };
        const int count = 20;
        using var generator = GenerationSession.Create(model, new[] { prompt }, new SamplingSettings { Temperature = 0 }, default);
        var tokens = new long[count];
        generator.Next(count, -1, tokens);
        var window = new List<long>(prompt);
        var expected = new List<long>();
        for (int i = 0; i < count; i++)
        {
            var token = ArgMaxOfLast(model, window);
            expected.Add(token);
            window.Add(token);
        }
        Assert.Equal(expected, tokens);
    }
}
