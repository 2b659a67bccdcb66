namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Splits a text column into words (see <see cref="WordTokenizerOptions"/>): output is a variable-length vector of
/// text annotated <see cref="AnnotationKinds.IsCharacterLevel"/> = false. Tokens are slices of the input (or of one
/// lower-cased copy per row).
/// </summary>
[TransformerLoader(LoaderIdValue)]
public sealed class WordTokenizingTransformer : ColumnTransformerBase<ReadOnlyMemory<char>, ReadOnlyMemory<ReadOnlyMemory<char>>>, ISaveableTransformer
{
    internal const string LoaderIdValue = "tokenize-words";
    private readonly WordTokenizerOptions _options;
    private readonly WordSplitter _splitter;

    /// <summary>Creates the transformer.</summary>
    public WordTokenizingTransformer(string outputColumnName = "Tokens", string inputColumnName = "Text", WordTokenizerOptions? options = null)
        : base(outputColumnName, inputColumnName)
    {
        _options = options?.Clone() ?? new WordTokenizerOptions();
        _splitter = new WordSplitter(_options);
    }

    /// <summary>A copy of the options.</summary>
    public WordTokenizerOptions Options => _options.Clone();

    /// <summary>Tokenizes one text (the same as the transform does per row).</summary>
    public ReadOnlyMemory<char>[] Tokenize(ReadOnlyMemory<char> text) => _splitter.Tokenize(text);

    /// <inheritdoc />
    protected override string ExpectedInputType => "Text";

    /// <inheritdoc />
    protected override bool IsValidInputType(DataViewType type) => type is TextDataViewType;

    /// <inheritdoc />
    protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (new VectorDataViewType(TextDataViewType.Instance), TokenAnnotations.Create(isCharacterLevel: false));

    /// <inheritdoc />
    protected override void Map(in ReadOnlyMemory<char> input, ref ReadOnlyMemory<ReadOnlyMemory<char>> output) =>
        output = _splitter.Tokenize(input);

    /// <inheritdoc />
    public string LoaderId => LoaderIdValue;

    /// <inheritdoc />
    public void Save(ModelSaveContext context) =>
        context.WriteJson(ColumnTransformState<WordTokenizerOptions>.EntryName,
            new ColumnTransformState<WordTokenizerOptions> { InputColumnName = InputColumnName, OutputColumnName = OutputColumnName, Options = _options });

    internal static WordTokenizingTransformer Load(ModelLoadContext context)
    {
        var s = ColumnTransformState<WordTokenizerOptions>.Read(context);
        try { return new WordTokenizingTransformer(s.OutputColumnName!, s.InputColumnName!, s.Options); }
        catch (ArgumentException e) { throw context.Corrupt(e.Message, e); }
    }
}

/// <summary>Estimator of <see cref="WordTokenizingTransformer"/> (learns nothing); created by <see cref="TransformsCatalog.TokenizeWords"/>.</summary>
public sealed class WordTokenizingEstimator : TrivialEstimator<WordTokenizingTransformer>
{
    /// <summary>Creates the estimator.</summary>
    public WordTokenizingEstimator(string outputColumnName = "Tokens", string inputColumnName = "Text", WordTokenizerOptions? options = null)
        : base(new WordTokenizingTransformer(outputColumnName, inputColumnName, options)) { }

    /// <inheritdoc />
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TokenAnnotations.TokenizerOutputShape(inputSchema, Transformer.InputColumnName, Transformer.OutputColumnName);
}
