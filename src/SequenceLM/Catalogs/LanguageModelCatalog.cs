namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Language models: <c>ml.LanguageModels</c>. Trainers are under <see cref="Trainers"/>; evaluation and other members
/// are declared in other parts of this partial class.
/// </summary>
public sealed partial class LanguageModelCatalog
{
    internal LanguageModelCatalog(SequenceLMContext context)
    {
        Context = context;
        Trainers = new LanguageModelTrainerCatalog(context);
    }

    /// <summary>The context this catalog belongs to.</summary>
    internal SequenceLMContext Context { get; }

    /// <summary>The language-model trainers (RNN, GRU, LSTM, Transformer).</summary>
    public LanguageModelTrainerCatalog Trainers { get; }
}
