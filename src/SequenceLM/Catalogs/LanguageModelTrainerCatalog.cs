namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Language-model trainers: <c>ml.LanguageModels.Trainers</c>. The trainer methods are declared in other parts of this
/// partial class.
/// </summary>
public sealed partial class LanguageModelTrainerCatalog
{
    internal LanguageModelTrainerCatalog(SequenceLMContext context) => Context = context;

    /// <summary>The context this catalog belongs to.</summary>
    internal SequenceLMContext Context { get; }
}
