namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Turns a key column (vector of keys per row) into training windows: <see cref="Transform"/> returns a
/// <see cref="WindowedData"/> whose rows are sequences (<c>Input</c>, <c>Target</c>) and which gives trainers whole
/// batches through <see cref="WindowedData.ReadBatches"/>. Training-only: a <see cref="PredictionEngine{TSrc, TDst}"/>
/// skips it and passes the key column on unchanged.
/// </summary>
[TransformerLoader(LoaderIdValue)]
public sealed class WindowingTransformer : ITrainingOnlyTransformer, ISaveableTransformer
{
    internal const string LoaderIdValue = "window";
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
        var col = CheckInput(inputSchema);
        return WindowedData.CreateSchema(_options, col.GetVocabulary());
    }

    /// <summary>Returns the lazy <see cref="WindowedData"/> over <paramref name="input"/>.</summary>
    public IDataView Transform(IDataView input) => TransformToWindows(input);

    /// <summary>Typed version of <see cref="Transform"/>.</summary>
    public WindowedData TransformToWindows(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var col = CheckInput(input.Schema);
        return new WindowedData(input, InputColumnName, _options, col.GetVocabulary());
    }

    private DataViewSchema.Column CheckInput(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var col = schema.RequireColumn(InputColumnName, "Vector<Key> or Vector<Int64> (token keys)", SchemaChecks.IsKeyOrInt64Vector);
        if (_options.Mode == WindowMode.PerRow) TokenWindows.PerRowKeys(col.GetVocabulary());
        return col;
    }

    /// <inheritdoc />
    public string LoaderId => LoaderIdValue;

    /// <inheritdoc />
    public void Save(ModelSaveContext context) =>
        context.WriteJson(ColumnTransformState<WindowOptions>.EntryName,
            new ColumnTransformState<WindowOptions> { InputColumnName = InputColumnName, OutputColumnName = WindowedData.InputColumnName, Options = _options });

    internal static WindowingTransformer Load(ModelLoadContext context)
    {
        var s = ColumnTransformState<WindowOptions>.Read(context);
        try { return new WindowingTransformer(s.Options, s.InputColumnName!); }
        catch (ArgumentException e) { throw context.Corrupt(e.Message, e); }
    }
}

/// <summary>Estimator of <see cref="WindowingTransformer"/> (learns nothing); created by <see cref="TransformsCatalog.Window"/>.</summary>
public sealed class WindowingEstimator : TrivialEstimator<WindowingTransformer>
{
    /// <summary>Creates the estimator.</summary>
    public WindowingEstimator(WindowOptions? options = null, string inputColumnName = "Keys")
        : base(new WindowingTransformer(options, inputColumnName)) { }

    /// <inheritdoc />
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var col = inputSchema.RequireColumn(Transformer.InputColumnName, "Vector<Key> or Vector<Int64> (token keys)", SchemaChecks.IsKeyOrInt64Vector);
        var kind = Transformer.Options is { Mode: WindowMode.PerRow, Padding: PerRowPadding.LongestInBatch } ? SchemaShape.VectorKind.VariableVector : SchemaShape.VectorKind.Vector;
        var annotations = col.AnnotationKinds;
        return new SchemaShape(new[]
        {
            new SchemaShape.Column(WindowedData.InputColumnName, kind, NumberDataViewType.Int64, col.IsKey, annotations),
            new SchemaShape.Column(WindowedData.TargetColumnName, kind, NumberDataViewType.Int64, col.IsKey, annotations),
        });
    }
}
