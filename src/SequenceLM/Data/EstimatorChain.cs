namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A sequence of estimators fitted in order, each on the output of the transformers before it. Created by
/// <see cref="PipelineExtensions.Append{TTrans}(IEstimator{ITransformer}, IEstimator{TTrans})"/>.
/// </summary>
/// <typeparam name="TLastTransformer">The transformer type of the last estimator.</typeparam>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>, IEstimatorSequence
    where TLastTransformer : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] _estimators;

    /// <summary>Creates an empty chain.</summary>
    public EstimatorChain() => _estimators = Array.Empty<IEstimator<ITransformer>>();

    private EstimatorChain(IEstimator<ITransformer>[] estimators) => _estimators = estimators;

    /// <summary>The estimators in order.</summary>
    public IReadOnlyList<IEstimator<ITransformer>> Estimators => _estimators;

    /// <summary>Returns a new chain with <paramref name="estimator"/> appended.</summary>
    public EstimatorChain<TNew> Append<TNew>(IEstimator<TNew> estimator) where TNew : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return new EstimatorChain<TNew>(_estimators.Append(estimator).ToArray());
    }

    /// <summary>Creates a chain from estimators (used by the <c>Append</c> extension).</summary>
    internal static EstimatorChain<TLastTransformer> FromEstimators(IEnumerable<IEstimator<ITransformer>> estimators) => new(estimators.ToArray());

    /// <summary>
    /// Validates the whole chain on the input schema, then fits each estimator on the (lazily) transformed data.
    /// If fitting fails, transformers already fitted are disposed.
    /// </summary>
    public TransformerChain<TLastTransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema)); // fail early on schema errors, before any fitting
        var fitted = new List<ITransformer>();
        try
        {
            var data = input;
            for (int i = 0; i < _estimators.Length; i++)
            {
                var t = _estimators[i].Fit(data);
                fitted.Add(t);
                if (i < _estimators.Length - 1) data = t.Transform(data);
            }
            return new TransformerChain<TLastTransformer>(fitted.ToArray());
        }
        catch
        {
            foreach (var t in fitted) (t as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var s = inputSchema;
        foreach (var e in _estimators) s = e.GetOutputSchema(s);
        return s;
    }
}

/// <summary>Extension methods that build pipelines, as in ML.NET.</summary>
public static class PipelineExtensions
{
    /// <summary>Appends <paramref name="estimator"/> to <paramref name="start"/>, producing an <see cref="EstimatorChain{TTrans}"/>.</summary>
    public static EstimatorChain<TTrans> Append<TTrans>(this IEstimator<ITransformer> start, IEstimator<TTrans> estimator)
        where TTrans : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(estimator);
        var head = start is IEstimatorSequence seq ? seq.Estimators : new[] { start };
        return EstimatorChain<TTrans>.FromEstimators(head.Append(estimator));
    }
}

/// <summary>Lets <see cref="PipelineExtensions"/> flatten chains whatever their last transformer type.</summary>
internal interface IEstimatorSequence
{
    IReadOnlyList<IEstimator<ITransformer>> Estimators { get; }
}
