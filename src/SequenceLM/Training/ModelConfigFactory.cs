namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>Turns trainer options and the vocabulary into the architecture of a new model.</summary>
internal static class ModelConfigFactory
{
    public static LanguageModelConfig Create(LanguageModelTrainerOptions options, Vocabulary vocabulary, WindowOptions windows)
    {
        long ignore = windows.Mode == WindowMode.PerRow && vocabulary.PaddingKey is { } pad ? pad : -1;
        return options switch
        {
            RecurrentOptions r => new LanguageModelConfig
            {
                Family = r.Family,
                VocabularySize = vocabulary.Count,
                EmbeddingSize = r.EmbeddingSize,
                HiddenSize = r.HiddenSize,
                NumberOfLayers = r.NumberOfLayers,
                Dropout = r.Dropout,
                TieWeights = r.TieWeights,
                IgnoreIndex = ignore,
            },
            TransformerOptions t => new LanguageModelConfig
            {
                Family = ModelFamily.Transformer,
                VocabularySize = vocabulary.Count,
                EmbeddingSize = t.Width,
                HiddenSize = t.Width,
                NumberOfLayers = t.NumberOfLayers,
                NumberOfHeads = t.NumberOfHeads,
                ContextLength = Math.Max(t.EffectiveContextLength, windows.SequenceLength),
                FeedForwardSize = t.FeedForwardSize,
                Positional = t.Positional,
                Dropout = t.Dropout,
                TieWeights = t.TieWeights,
                Bias = t.Bias,
                Initialization = t.Initialization,
                Gelu = t.Gelu,
                IgnoreIndex = ignore,
            },
            _ => throw new ArgumentException($"Unknown trainer options type {options.GetType().Name}."),
        };
    }
}
