namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>Turns trainer options and the vocabulary into the architecture of a new model.</summary>
internal static class ModelConfigFactory
{
    public static LanguageModelConfig Create(LanguageModelTrainerOptions options, Vocabulary vocabulary, WindowOptions windows)
    {
        var common = new LanguageModelConfig
        {
            VocabularySize = vocabulary.Count,
            Dropout = options.Dropout,
            IgnoreIndex = windows.Mode == WindowMode.PerRow && vocabulary.PaddingKey is { } pad ? pad : -1,
        };
        return options switch
        {
            RecurrentOptions r => common with
            {
                Family = r.Family,
                EmbeddingSize = r.EmbeddingSize,
                HiddenSize = r.HiddenSize,
                NumberOfLayers = r.NumberOfLayers,
                TieWeights = r.TieWeights,
            },
            TransformerOptions t => common with
            {
                Family = ModelFamily.Transformer,
                EmbeddingSize = t.Width,
                HiddenSize = t.Width,
                NumberOfLayers = t.NumberOfLayers,
                NumberOfHeads = t.NumberOfHeads,
                ContextLength = Math.Max(t.EffectiveContextLength, windows.SequenceLength),
                FeedForwardSize = t.FeedForwardSize,
                Positional = t.Positional,
                TieWeights = t.TieWeights,
                Bias = t.Bias,
                Initialization = t.Initialization,
                Gelu = t.Gelu,
            },
            BigramOptions => common with { Family = ModelFamily.Bigram, HiddenSize = vocabulary.Count, NumberOfLayers = 1, ContextLength = 1 },
            EmbeddedContextOptions e => common with
            {
                Family = e.Family,
                EmbeddingSize = e.EmbeddingSize,
                HiddenSize = e.HiddenSize,
                NumberOfLayers = e is WaveNetOptions w ? w.Levels : ((MlpOptions)e).NumberOfLayers,
                ContextLength = e.ContextLength,
            },
            _ => throw new ArgumentException($"Unknown trainer options type {options.GetType().Name}."),
        };
    }
}
