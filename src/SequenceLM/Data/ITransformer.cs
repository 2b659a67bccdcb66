namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A fitted transform: maps an input view to an output view, lazily. Mirrors ML.NET's <c>ITransformer</c>.
/// </summary>
public interface ITransformer
{
    /// <summary>
    /// Returns the schema <see cref="Transform"/> would produce for <paramref name="inputSchema"/>, failing early with
    /// <see cref="SchemaMismatchException"/> (an <see cref="ArgumentException"/>) when a needed column is missing or mistyped.
    /// </summary>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>Returns a lazy view of the transformed data; nothing is read until a cursor moves.</summary>
    IDataView Transform(IDataView input);
}

/// <summary>
/// An estimator: learns a transformer from data. Mirrors ML.NET's <c>IEstimator&lt;TTransformer&gt;</c>.
/// Chain estimators with <see cref="PipelineExtensions.Append{TTrans}(IEstimator{ITransformer}, IEstimator{TTrans})"/>.
/// </summary>
/// <typeparam name="TTransformer">The transformer produced by <see cref="Fit"/>.</typeparam>
public interface IEstimator<out TTransformer> where TTransformer : ITransformer
{
    /// <summary>Learns from <paramref name="input"/> and returns the fitted transformer.</summary>
    TTransformer Fit(IDataView input);

    /// <summary>
    /// Returns the shape of the output for an input of shape <paramref name="inputSchema"/>, failing early with
    /// <see cref="SchemaMismatchException"/> when a needed column is missing or mistyped.
    /// </summary>
    SchemaShape GetOutputSchema(SchemaShape inputSchema);
}

/// <summary>
/// Implemented by transformers that can map a single row without building a data view (the fast path used by
/// <see cref="PredictionEngine{TSrc, TDst}"/>). The returned row has the schema
/// <see cref="ITransformer.GetOutputSchema"/> gives for <c>input.Schema</c>, computes values lazily when its
/// getters are called, and reflects the input row's current values (same <see cref="DataViewRow.Position"/>).
/// </summary>
public interface ISingleRowMapper
{
    /// <summary>Maps <paramref name="input"/> to an output row. The caller disposes the returned row.</summary>
    DataViewRow MapRow(DataViewRow input);
}
