namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Base of our transformers that append columns computed from each row alone. ML.NET's own base classes cannot be
/// derived from outside ML.NET, so this implements <see cref="ITransformer"/> and <see cref="IRowToRowMapper"/>
/// directly. As in ML.NET, outputs are appended after the input columns; an output named like an input column hides it.
/// </summary>
public abstract class RowMappingTransformerBase : ITransformer
{
    private protected RowMappingTransformerBase() { }

    /// <summary>The input columns read to compute the outputs.</summary>
    private protected abstract IReadOnlyList<string> InputColumnNames { get; }

    /// <summary>Validates <paramref name="inputSchema"/> (throwing <see cref="SchemaMismatchException"/>) and declares the outputs.</summary>
    private protected abstract IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema);

    /// <summary>
    /// One getter per output column (typed with the column's raw type) reading <paramref name="input"/>; entries for
    /// inactive outputs may be null. <paramref name="cacheByPosition"/> is false for rows handed to a prediction engine,
    /// which refills the same input row between calls.
    /// </summary>
    private protected abstract Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutputs, bool cacheByPosition);

    /// <summary>Writes the transformer into ML.NET's model zip.</summary>
    private protected abstract void SaveModel(ModelSaveContext ctx);

    void ICanSaveModel.Save(ModelSaveContext ctx) => SaveModel(ctx);

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Bind(inputSchema);

    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MappedDataView(input, Bind(input.Schema));
    }

    private Binding? _lastBinding;

    private Binding Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var last = _lastBinding;
        if (last != null && ReferenceEquals(last.InputSchema, inputSchema)) return last;
        var outputs = GetOutputColumns(inputSchema);
        var schema = new DataViewSchema.Builder();
        schema.AddColumns(inputSchema);
        schema.AddColumns(outputs);
        return _lastBinding = new Binding(this, inputSchema, schema.ToSchema(), outputs.Count);
    }

    /// <summary>The schema mapping: columns below <see cref="InputSchema"/>'s count pass through, the rest are outputs.</summary>
    private sealed class Binding(RowMappingTransformerBase owner, DataViewSchema inputSchema, DataViewSchema outputSchema, int outputCount) : IRowToRowMapper
    {
        public RowMappingTransformerBase Owner => owner;
        public DataViewSchema InputSchema => inputSchema;
        public DataViewSchema OutputSchema => outputSchema;
        public int OutputCount => outputCount;

        public bool IsOutput(DataViewSchema.Column column) => column.Index >= inputSchema.Count;

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            var needed = new HashSet<int>();
            foreach (var c in dependingColumns)
            {
                if (!IsOutput(c)) needed.Add(c.Index);
                else foreach (var name in owner.InputColumnNames) needed.Add(inputSchema[name].Index);
            }
            return needed.OrderBy(i => i).Select(i => inputSchema[i]).ToArray();
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            ArgumentNullException.ThrowIfNull(input);
            var active = ActiveOutputs(activeColumns);
            return new MappedRow(input, this, Getters(input, active, cacheByPosition: false));
        }

        public bool[] ActiveOutputs(IEnumerable<DataViewSchema.Column> columns)
        {
            var active = new bool[outputCount];
            foreach (var c in columns)
                if (IsOutput(c)) active[c.Index - inputSchema.Count] = true;
            return active;
        }

        public Delegate?[] Getters(DataViewRow input, bool[] active, bool cacheByPosition)
        {
            var getters = owner.CreateGetters(input, active, cacheByPosition);
            for (int i = 0; i < getters.Length; i++) if (!active[i]) getters[i] = null;
            return getters;
        }

        public ValueGetter<T> GetGetter<T>(DataViewRow input, Delegate?[] outputGetters, DataViewSchema.Column column)
        {
            if (!IsOutput(column)) return input.GetGetter<T>(inputSchema[column.Index]);
            var getter = outputGetters[column.Index - inputSchema.Count];
            if (getter is ValueGetter<T> typed) return typed;
            if (getter is null)
                throw new InvalidOperationException($"Column '{column.Name}' is not active; include it in the columns needed when opening the cursor.");
            throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type} ({column.Type.RawType.Name}); it cannot be read as {typeof(T).Name}.");
        }

        public bool IsActive(DataViewRow input, Delegate?[] outputGetters, DataViewSchema.Column column) =>
            IsOutput(column) ? outputGetters[column.Index - inputSchema.Count] != null : input.IsColumnActive(inputSchema[column.Index]);
    }

    private sealed class MappedRow(DataViewRow input, Binding binding, Delegate?[] getters) : DataViewRow
    {
        public override DataViewSchema Schema => binding.OutputSchema;
        public override long Position => input.Position;
        public override long Batch => input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => binding.IsActive(input, getters, column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => binding.GetGetter<TValue>(input, getters, column);
    }

    private sealed class MappedCursor(DataViewRowCursor input, Binding binding, Delegate?[] getters) : DataViewRowCursor
    {
        public override DataViewSchema Schema => binding.OutputSchema;
        public override long Position => input.Position;
        public override long Batch => input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
        public override bool MoveNext() => input.MoveNext();
        public override bool IsColumnActive(DataViewSchema.Column column) => binding.IsActive(input, getters, column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => binding.GetGetter<TValue>(input, getters, column);
        protected override void Dispose(bool disposing) { if (disposing) input.Dispose(); }
    }

    private sealed class MappedDataView(IDataView input, Binding binding) : IDataView
    {
        public DataViewSchema Schema => binding.OutputSchema;
        public bool CanShuffle => input.CanShuffle;
        public long? GetRowCount() => input.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var needed = columnsNeeded.ToArray();
            var inputCursor = input.GetRowCursor(binding.GetDependencies(needed), rand);
            return new MappedCursor(inputCursor, binding, binding.Getters(inputCursor, binding.ActiveOutputs(needed), cacheByPosition: true));
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };
    }
}
