namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Applies a fitted model to one object at a time: the public members of <typeparamref name="TSrc"/> become the input
/// row's columns (by name or <see cref="ColumnNameAttribute"/>) and the output row's columns fill the settable members
/// of <typeparamref name="TDst"/>. Transformers implementing <see cref="ISingleRowMapper"/> map the row directly; others
/// run <see cref="ITransformer.Transform"/> over a one-row view. <see cref="ITrainingOnlyTransformer"/>s are skipped.
/// Not thread-safe: use one engine per thread. Created by <see cref="ModelOperationsCatalog.CreatePredictionEngine{TSrc, TDst}"/>.
/// </summary>
public sealed class PredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly ObjectRow<TSrc> _input;
    private readonly ITransformer[] _steps;
    private DataViewSchema? _readerSchema;
    private ObjectReader<TDst>? _reader;
    private bool _disposed;

    internal PredictionEngine(ITransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        _input = ObjectRow<TSrc>.Create();
        _steps = Flatten(transformer).Where(t => t is not ITrainingOnlyTransformer).ToArray();
        var schema = _input.Schema;
        foreach (var step in _steps) schema = step.GetOutputSchema(schema); // fails early on missing input columns
        OutputSchema = schema;
        _reader = new ObjectReader<TDst>(schema); // fails early when TDst has members the output lacks
        _readerSchema = schema;
    }

    /// <summary>The columns built from <typeparamref name="TSrc"/>.</summary>
    public DataViewSchema InputSchema => _input.Schema;

    /// <summary>The columns of the output row.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>Predicts for one example.</summary>
    public TDst Predict(TSrc example)
    {
        var result = new TDst();
        Predict(example, ref result);
        return result;
    }

    /// <summary>Predicts for one example into an existing object (reused to avoid allocation).</summary>
    public void Predict(TSrc example, ref TDst prediction)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(example);
        prediction ??= new TDst();
        _input.Set(example);
        var owned = new List<IDisposable>();
        try
        {
            DataViewRow row = _input;
            foreach (var step in _steps)
            {
                if (step is ISingleRowMapper mapper)
                {
                    row = mapper.MapRow(row);
                }
                else
                {
                    var view = step.Transform(new SingleRowDataView(row));
                    var cursor = view.GetRowCursor(view.Schema);
                    owned.Add(cursor);
                    if (!cursor.MoveNext()) throw new InvalidOperationException($"{step.GetType().Name} produced no output row for the example.");
                    row = cursor;
                }
                owned.Add(row);
            }
            if (!ReferenceEquals(row.Schema, _readerSchema))
            {
                _reader = new ObjectReader<TDst>(row.Schema);
                _readerSchema = row.Schema;
            }
            _reader!.Bind(row)(prediction);
        }
        finally
        {
            for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
        }
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : new[] { t };

    /// <summary>Releases the engine (the model itself is not disposed).</summary>
    public void Dispose() => _disposed = true;
}
