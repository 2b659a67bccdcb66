namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Splits a text column into characters: output is a variable-length vector of text, one item per character
/// (surrogate pairs stay one token), annotated <see cref="AnnotationKinds.IsCharacterLevel"/> = true. Items are
/// slices of the input (or of one normalised copy of it), so no string is allocated per character.
/// </summary>
[TransformerLoader(LoaderIdValue)]
public sealed class CharTokenizingTransformer : ColumnTransformerBase<ReadOnlyMemory<char>, ReadOnlyMemory<ReadOnlyMemory<char>>>, ISaveableTransformer
{
    internal const string LoaderIdValue = "tokenize-chars";
    private readonly CharTokenizerOptions _options;

    /// <summary>Creates the transformer.</summary>
    public CharTokenizingTransformer(string outputColumnName = "Tokens", string inputColumnName = "Text", CharTokenizerOptions? options = null)
        : base(outputColumnName, inputColumnName)
    {
        _options = options?.Clone() ?? new CharTokenizerOptions();
        _options.Validate();
    }

    /// <summary>A copy of the options.</summary>
    public CharTokenizerOptions Options => _options.Clone();

    /// <summary>Tokenizes one text (the same as the transform does per row).</summary>
    public ReadOnlyMemory<char>[] Tokenize(ReadOnlyMemory<char> text) => CharNormalizer.Tokenize(text, _options);

    /// <inheritdoc />
    protected override string ExpectedInputType => "Text";

    /// <inheritdoc />
    protected override bool IsValidInputType(DataViewType type) => type is TextDataViewType;

    /// <inheritdoc />
    protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (new VectorDataViewType(TextDataViewType.Instance), TokenAnnotations.Create(isCharacterLevel: true));

    /// <inheritdoc />
    protected override void Map(in ReadOnlyMemory<char> input, ref ReadOnlyMemory<ReadOnlyMemory<char>> output) =>
        output = CharNormalizer.Tokenize(input, _options);

    /// <inheritdoc />
    public string LoaderId => LoaderIdValue;

    /// <inheritdoc />
    public void Save(ModelSaveContext context) =>
        context.WriteJson(ColumnTransformState<CharTokenizerOptions>.EntryName,
            new ColumnTransformState<CharTokenizerOptions> { InputColumnName = InputColumnName, OutputColumnName = OutputColumnName, Options = _options });

    internal static CharTokenizingTransformer Load(ModelLoadContext context)
    {
        var s = ColumnTransformState<CharTokenizerOptions>.Read(context);
        try { return new CharTokenizingTransformer(s.OutputColumnName!, s.InputColumnName!, s.Options); }
        catch (ArgumentException e) { throw context.Corrupt(e.Message, e); }
    }
}

/// <summary>Estimator of <see cref="CharTokenizingTransformer"/> (learns nothing); created by <see cref="TransformsCatalog.TokenizeChars"/>.</summary>
public sealed class CharTokenizingEstimator : TrivialEstimator<CharTokenizingTransformer>
{
    /// <summary>Creates the estimator.</summary>
    public CharTokenizingEstimator(string outputColumnName = "Tokens", string inputColumnName = "Text", CharTokenizerOptions? options = null)
        : base(new CharTokenizingTransformer(outputColumnName, inputColumnName, options)) { }

    /// <inheritdoc />
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TokenAnnotations.TokenizerOutputShape(inputSchema, Transformer.InputColumnName, Transformer.OutputColumnName);
}

/// <summary>Annotations and shapes shared by the tokenizers.</summary>
internal static class TokenAnnotations
{
    public static DataViewSchema.Annotations Create(bool isCharacterLevel) =>
        new DataViewSchema.Annotations.Builder().Add(AnnotationKinds.IsCharacterLevel, BooleanDataViewType.Instance, isCharacterLevel).ToAnnotations();

    public static SchemaShape TokenizerOutputShape(SchemaShape input, string inputColumn, string outputColumn)
    {
        input.RequireColumn(inputColumn, "Text", SchemaChecks.IsText);
        return input.With(new SchemaShape.Column(outputColumn, SchemaShape.VectorKind.VariableVector, TextDataViewType.Instance, false,
            new[] { AnnotationKinds.IsCharacterLevel }));
    }
}
