using System.Collections;

namespace Microsoft.ML.SequenceLM;

/// <summary>
/// A sequence of fitted transformers applied in order; produced by <see cref="EstimatorChain{TLastTransformer}.Fit"/>.
/// Enumerates its transformers; <see cref="LastTransformer"/> is typically the model. Disposing the chain disposes
/// every transformer that is <see cref="IDisposable"/>.
/// </summary>
/// <typeparam name="TLastTransformer">The type of the last transformer.</typeparam>
public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>, IDisposable
    where TLastTransformer : class, ITransformer
{
    private readonly ITransformer[] _transformers;
    private bool _disposed;

    /// <summary>Creates a chain; the last transformer must be a <typeparamref name="TLastTransformer"/>.</summary>
    public TransformerChain(params ITransformer[] transformers)
    {
        ArgumentNullException.ThrowIfNull(transformers);
        if (transformers.Any(t => t is null)) throw new ArgumentException("A transformer chain cannot contain null.", nameof(transformers));
        _transformers = transformers.ToArray();
        if (_transformers.Length > 0 && _transformers[^1] is not TLastTransformer)
            throw new ArgumentException($"The last transformer is a {_transformers[^1].GetType().Name}, not a {typeof(TLastTransformer).Name}.", nameof(transformers));
        LastTransformer = _transformers.Length > 0 ? (TLastTransformer)_transformers[^1] : null!;
    }

    /// <summary>The last transformer (null only for an empty chain).</summary>
    public TLastTransformer LastTransformer { get; }

    /// <summary>The number of transformers.</summary>
    public int Count => _transformers.Length;

    /// <summary>Returns a new chain with <paramref name="transformer"/> appended.</summary>
    public TransformerChain<TNew> Append<TNew>(TNew transformer) where TNew : class, ITransformer =>
        new(_transformers.Append(transformer).ToArray());

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        var s = inputSchema;
        foreach (var t in _transformers) s = t.GetOutputSchema(s);
        return s;
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        GetOutputSchema(input.Schema); // fail early, before building any view
        var v = input;
        foreach (var t in _transformers) v = t.Transform(v);
        return v;
    }

    /// <inheritdoc />
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)_transformers).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every transformer in the chain that is <see cref="IDisposable"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        List<Exception>? errors = null;
        foreach (var t in _transformers)
        {
            try { (t as IDisposable)?.Dispose(); }
            catch (Exception e) { (errors ??= new()).Add(e); }
        }
        if (errors != null) throw new AggregateException("Disposing a transformer of the chain failed.", errors);
    }
}
