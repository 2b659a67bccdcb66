namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Transforms: <c>ml.Transforms</c> — tokenization, vocabulary (tokens ↔ keys) and windowing. As in ML.NET, the output
/// column name comes first; every method returns an estimator to <c>Append</c> into a pipeline.
/// </summary>
public sealed partial class TransformsCatalog
{
    internal TransformsCatalog(SequenceLMContext context) => Context = context;

    /// <summary>The context this catalog belongs to.</summary>
    internal SequenceLMContext Context { get; }
}
