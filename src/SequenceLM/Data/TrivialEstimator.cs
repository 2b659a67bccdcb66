namespace Microsoft.ML.SequenceLM;

/// <summary>
/// An estimator that learns nothing: <see cref="Fit"/> validates the input schema and returns the transformer it
/// was created with. Mirrors ML.NET's <c>TrivialEstimator</c>; derive from it to put a custom transformer in a pipeline.
/// </summary>
/// <typeparam name="TTransformer">The transformer returned by <see cref="Fit"/>.</typeparam>
public abstract class TrivialEstimator<TTransformer> : IEstimator<TTransformer>
    where TTransformer : class, ITransformer
{
    /// <summary>Creates the estimator around an already configured transformer.</summary>
    protected TrivialEstimator(TTransformer transformer) => Transformer = transformer ?? throw new ArgumentNullException(nameof(transformer));

    /// <summary>The transformer returned by <see cref="Fit"/>.</summary>
    protected TTransformer Transformer { get; }

    /// <summary>Checks that <paramref name="input"/> has the needed columns (reads no data) and returns the transformer.</summary>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Transformer.GetOutputSchema(input.Schema);
        return Transformer;
    }

    /// <inheritdoc />
    public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
