namespace Microsoft.ML.SequenceLM.Tests.Generation;

/// <summary>Small models trained once per test class: a character stream model and a per-line (names) model.</summary>
public sealed class TrainedModels : IDisposable
{
    public const string Corpus = "the cat sat on the mat. the dog sat on the log. a bird sang in the tree. ";

    public TrainedModels()
    {
        Ml = new MLContext(seed: 2);
        Text = Ml.Data.LoadFromEnumerable(new[] { new Doc { Text = string.Concat(Enumerable.Repeat(Corpus, 30)) } });
        Stream = Ml.Transforms.TokenizeChars().Append(Ml.LanguageModels().Trainers.Gru(new GruOptions
        {
            EmbeddingSize = 16, HiddenSize = 64, NumberOfLayers = 1, BatchSize = 8, SequenceLength = 24, Epochs = 25,
            LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0f, Device = "cpu",
        })).Fit(Text);

        var names = File.ReadLines(TestBase.DataPath("names.txt")).Take(600).Select(n => new Doc { Text = n }).ToArray();
        NameRows = Ml.Data.LoadFromEnumerable(names);
        Names = Ml.Transforms.TokenizeChars().Append(Ml.LanguageModels().Trainers.Gru(new GruOptions
        {
            WindowMode = WindowMode.PerRow, EmbeddingSize = 16, HiddenSize = 64, NumberOfLayers = 1, BatchSize = 32, SequenceLength = 20,
            Epochs = 6, LearningRate = 0.01f, Dropout = 0f, ValidationFraction = 0.1f, Device = "cpu",
        })).Fit(NameRows);
    }

    public MLContext Ml { get; }
    public IDataView Text { get; }
    public IDataView NameRows { get; }
    public TransformerChain<LanguageModelTransformer> Stream { get; }
    public TransformerChain<LanguageModelTransformer> Names { get; }

    public void Dispose()
    {
        Stream.Dispose();
        Names.Dispose();
    }

    public sealed class Doc
    {
        public string Text { get; set; } = "";
    }
}
