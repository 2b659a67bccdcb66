namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Marks a transformer that only reshapes training data (for example windowing, which turns rows into batches of
/// token windows). <see cref="PredictionEngine{TSrc, TDst}"/> skips such transformers: when predicting, the row is
/// passed to the next transformer unchanged.
/// </summary>
public interface ITrainingOnlyTransformer : ITransformer
{
}
