namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Base class for transformers that add (or replace) columns computed from each row independently — the extension
/// point for user-written transforms. Derived classes declare their output columns and create getters; the base
/// provides a lazy <see cref="Transform"/>, <see cref="GetOutputSchema"/> and the single-row fast path
/// (<see cref="ISingleRowMapper"/>) used by <see cref="PredictionEngine{TSrc, TDst}"/>.
/// </summary>
/// <remarks>
/// To make a derived transformer saveable, also implement <see cref="ISaveableTransformer"/> and register a loader
/// with <see cref="TransformerLoaders.Register"/> or <see cref="TransformerLoaderAttribute"/>. For one input column
/// mapped to one output column, derive from <see cref="ColumnTransformerBase{TIn, TOut}"/> instead.
/// </remarks>
public abstract class RowToRowTransformerBase : ITransformer, ISingleRowMapper
{
    /// <summary>The input columns read to compute the outputs (they are activated whenever an output is needed).</summary>
    protected abstract IReadOnlyList<string> InputColumnNames { get; }

    /// <summary>
    /// Validates <paramref name="inputSchema"/> (throw <see cref="SchemaMismatchException"/>, e.g. via
    /// <see cref="SchemaChecks.RequireColumn(DataViewSchema, string, string, Func{DataViewType, bool})"/>) and declares the
    /// output columns. An output with the name of an input column replaces it.
    /// </summary>
    protected abstract IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema);

    /// <summary>
    /// Creates one <see cref="ValueGetter{TValue}"/> per output column (in the order of <see cref="GetOutputColumns"/>, typed
    /// with the column's raw type) reading from <paramref name="input"/>. Entries for inactive outputs may be null.
    /// Getters may be called several times per row: cache on <see cref="DataViewRow.Position"/> when computing is costly.
    /// </summary>
    protected abstract Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutputs);

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new MappedDataView(input, Bind(input.Schema));
    }

    /// <inheritdoc />
    public DataViewRow MapRow(DataViewRow input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var binding = Bind(input.Schema);
        var active = new bool[binding.Outputs.Count];
        Array.Fill(active, true);
        return new MappedRow(input, binding, CreateGetters(input, active));
    }

    private Binding? _lastBinding;

    private Binding Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var last = _lastBinding;
        if (last != null && ReferenceEquals(last.InputSchema, inputSchema)) return last;
        return _lastBinding = CreateBinding(inputSchema);
    }

    private Binding CreateBinding(DataViewSchema inputSchema)
    {
        var outputs = GetOutputColumns(inputSchema);
        var builder = new DataViewSchema.Builder().AddColumns(inputSchema);
        foreach (var o in outputs) builder.AddColumn(o.Name, o.Type, o.Annotations);
        var schema = builder.ToSchema();
        // For each output-schema column: >= 0 -> input column index, < 0 -> ~outputIndex.
        var source = new int[schema.Count];
        for (int j = 0; j < schema.Count; j++)
        {
            int k = -1;
            for (int i = 0; i < outputs.Count; i++) if (outputs[i].Name == schema[j].Name) k = i;
            source[j] = k >= 0 ? ~k : inputSchema[schema[j].Name].Index;
        }
        return new Binding(this, inputSchema, schema, outputs, source);
    }

    private sealed record Binding(RowToRowTransformerBase Owner, DataViewSchema InputSchema, DataViewSchema OutputSchema,
        IReadOnlyList<DataViewSchema.DetachedColumn> Outputs, int[] Source)
    {
        public Delegate?[] Getters(DataViewRow input, bool[] activeOutputs) => Owner.CreateGetters(input, activeOutputs);

        public ValueGetter<T> GetGetter<T>(DataViewRow input, Delegate?[] outputGetters, DataViewSchema.Column column)
        {
            GetterUtils.CheckColumn(OutputSchema, column);
            int s = Source[column.Index];
            return s >= 0 ? input.GetGetter<T>(InputSchema[s]) : GetterUtils.Cast<T>(outputGetters[~s], column);
        }

        public bool IsActive(DataViewRow input, Delegate?[] outputGetters, DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= Source.Length) return false;
            int s = Source[column.Index];
            return s >= 0 ? input.IsColumnActive(InputSchema[s]) : outputGetters[~s] != null;
        }
    }

    private sealed class MappedRow(DataViewRow input, Binding binding, Delegate?[] getters) : DataViewRow
    {
        public override DataViewSchema Schema => binding.OutputSchema;
        public override long Position => input.Position;
        public override bool IsColumnActive(DataViewSchema.Column column) => binding.IsActive(input, getters, column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => binding.GetGetter<TValue>(input, getters, column);
    }

    private sealed class MappedCursor(DataViewRowCursor input, Binding binding, Delegate?[] getters) : DataViewRowCursor
    {
        public override DataViewSchema Schema => binding.OutputSchema;
        public override long Position => input.Position;
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
            var active = GetterUtils.ActiveMask(Schema, columnsNeeded);
            var activeOutputs = new bool[binding.Outputs.Count];
            var inputNeeded = new HashSet<string>(StringComparer.Ordinal);
            for (int j = 0; j < active.Length; j++)
            {
                if (!active[j]) continue;
                int s = binding.Source[j];
                if (s >= 0) inputNeeded.Add(binding.InputSchema[s].Name); else activeOutputs[~s] = true;
            }
            if (activeOutputs.Any(a => a))
                foreach (var name in binding.Owner.InputColumnNames) inputNeeded.Add(name);
            var inputCursor = input.GetRowCursor(binding.InputSchema.Where(c => inputNeeded.Contains(c.Name)), rand);
            var getters = binding.Getters(inputCursor, activeOutputs);
            for (int i = 0; i < getters.Length; i++) if (!activeOutputs[i]) getters[i] = null;
            return new MappedCursor(inputCursor, binding, getters);
        }
    }
}
