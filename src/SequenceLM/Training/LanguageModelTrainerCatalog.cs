using Microsoft.ML.SequenceLM.Trainers;

namespace Microsoft.ML.SequenceLM;

/// <summary>Language-model trainers: <c>ml.LanguageModels().Trainers</c>.</summary>
public sealed class LanguageModelTrainerCatalog
{
    private readonly LanguageModelCatalog _catalog;

    internal LanguageModelTrainerCatalog(LanguageModelCatalog catalog) => _catalog = catalog;

    /// <summary>An Elman RNN language model (tanh or ReLU).</summary>
    public LanguageModelTrainer Rnn(RnnOptions? options = null) => Create(options ?? new RnnOptions());

    /// <summary>A GRU language model.</summary>
    public LanguageModelTrainer Gru(GruOptions? options = null) => Create(options ?? new GruOptions());

    /// <summary>An LSTM language model.</summary>
    public LanguageModelTrainer Lstm(LstmOptions? options = null) => Create(options ?? new LstmOptions());

    /// <summary>A decoder-only Transformer language model (causal self-attention, pre-norm, GELU).</summary>
    public LanguageModelTrainer Transformer(TransformerOptions? options = null) => Create(options ?? new TransformerOptions());

    /// <summary>A bigram language model: a next-token table, trained by gradient or fitted from smoothed counts.</summary>
    public LanguageModelTrainer Bigram(BigramOptions? options = null) => Create(options ?? new BigramOptions());

    /// <summary>An MLP language model (Bengio et al. 2003): embeddings of the last tokens, tanh hidden layers.</summary>
    public LanguageModelTrainer Mlp(MlpOptions? options = null) => Create(options ?? new MlpOptions());

    /// <summary>A WaveNet language model (makemore's hierarchical model): the context fused pairwise, level by level.</summary>
    public LanguageModelTrainer WaveNet(WaveNetOptions? options = null) => Create(options ?? new WaveNetOptions());

    /// <summary>The trainer of whichever family <paramref name="options"/> belong to (e.g. options chosen at run time).</summary>
    public LanguageModelTrainer Create(LanguageModelTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var ml = _catalog.Context;
        return new LanguageModelTrainer(options, _catalog.NextSeed(), TrainerDevice.Resolve(options.Device, ml.GpuDeviceId, ml.FallbackToCpu));
    }
}
