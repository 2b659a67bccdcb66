namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Turns a key column (vector of keys per row) into training windows: <see cref="Transform"/> returns a
/// <see cref="WindowedData"/> whose rows are sequences (<c>Input</c>, <c>Target</c>) and which gives trainers whole
/// batches through <see cref="WindowedData.ReadBatches"/>. Training-only: its row-to-row mapper (what ML.NET's
/// <c>PredictionEngine</c> uses) passes rows on unchanged, so a prediction row keeps its key column.
/// </summary>
public sealed partial class WindowingTransformer : ITransformer
{
    private readonly WindowOptions _options;

    /// <summary>Creates the transformer.</summary>
    public WindowingTransformer(WindowOptions? options = null, string inputColumnName = "Keys")
    {
        _options = options?.Clone() ?? new WindowOptions();
        _options.Validate();
        InputColumnName = Check.NotEmpty(inputColumnName);
    }

    /// <summary>The key column read.</summary>
    public string InputColumnName { get; }

    /// <summary>A copy of the options.</summary>
    public WindowOptions Options => _options.Clone();

    /// <summary>The output schema: <c>Input</c> and <c>Target</c> key vectors (the input columns are not passed through).</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        var (_, vocabulary) = CheckInput(inputSchema);
        return WindowedData.CreateSchema(_options, vocabulary);
    }

    /// <summary>Returns the lazy <see cref="WindowedData"/> over <paramref name="input"/>.</summary>
    public IDataView Transform(IDataView input) => TransformToWindows(input);

    /// <summary>Typed version of <see cref="Transform"/>.</summary>
    public WindowedData TransformToWindows(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (column, vocabulary) = CheckInput(input.Schema);
        return new WindowedData(input, column, _options, vocabulary);
    }

    /// <summary>True: at prediction time the rows pass through unchanged.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>A mapper that passes rows through unchanged (windows exist only at training time).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        return new PassThroughMapper(inputSchema);
    }

    private (DataViewSchema.Column, Vocabulary) CheckInput(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var col = schema.RequireColumn(InputColumnName, "Vector<Key> (token keys with a vocabulary)", SchemaChecks.IsKeyVector);
        var vocabulary = col.GetVocabulary() ?? throw new SchemaMismatchException(InputColumnName, "Vector<Key> with a KeyValues annotation", col.Type.ToString(),
            schema.Describe(), $"Column '{InputColumnName}' holds keys without a vocabulary (KeyValues annotation). Produce it with MapTokensToKeys or ML.NET's MapValueToKey.");
        if (_options.Mode == WindowMode.PerRow) TokenWindows.PerRowKeys(vocabulary);
        return (col, vocabulary);
    }

    private sealed class PassThroughMapper(DataViewSchema schema) : IRowToRowMapper
    {
        public DataViewSchema InputSchema => schema;
        public DataViewSchema OutputSchema => schema;
        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) => dependingColumns;
        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) => input;
    }
}

/// <summary>Estimator of <see cref="WindowingTransformer"/>; created by <see cref="BatchingCatalog.Window"/>.</summary>
/// <remarks>
/// | Characteristic | Value |
/// |---|---|
/// | Does this estimator need to look at the data to train its parameters? | No |
/// | Input column data type | Vector of keys with a vocabulary |
/// | Output column data type | <c>Input</c>, <c>Target</c>: vectors of keys (training only; prediction passes rows through) |
/// | Exportable to ONNX | No |
/// </remarks>
public sealed class WindowingEstimator : StatelessEstimator<WindowingTransformer>
{
    /// <summary>Creates the estimator.</summary>
    public WindowingEstimator(WindowOptions? options = null, string inputColumnName = "Keys")
        : base(new WindowingTransformer(options, inputColumnName)) { }

    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var col = inputSchema.RequireColumn(Transformer.InputColumnName, "Vector<Key> (token keys with a vocabulary)", SchemaChecks.IsKeyVector);
        var kind = Transformer.Options is { Mode: WindowMode.PerRow, Padding: PerRowPadding.LongestInBatch }
            ? SchemaShape.Column.VectorKind.VariableVector
            : SchemaShape.Column.VectorKind.Vector;
        return new SchemaShape(new[] { ShapeColumns.Keys(WindowedData.InputColumnName, kind), ShapeColumns.Keys(WindowedData.TargetColumnName, kind) });
    }
}
