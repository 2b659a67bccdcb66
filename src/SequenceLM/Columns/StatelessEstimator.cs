namespace Microsoft.ML.SequenceLM;

/// <summary>An estimator that learns nothing: <see cref="Fit"/> checks the input and returns its transformer.</summary>
public abstract class StatelessEstimator<TTransformer> : IEstimator<TTransformer> where TTransformer : class, ITransformer
{
    private protected StatelessEstimator(TTransformer transformer) => Transformer = transformer;

    /// <summary>The transformer <see cref="Fit"/> returns.</summary>
    private protected TTransformer Transformer { get; }

    /// <summary>Checks that <paramref name="input"/> has the columns the transformer reads and returns the transformer.</summary>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Transformer.GetOutputSchema(input.Schema);
        return Transformer;
    }

    public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
