namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Splits a text column into words (see <see cref="WordTokenizerOptions"/>): output is a variable-length vector of
/// text annotated <see cref="AnnotationNames.IsCharacterLevel"/> = false. Tokens are slices of the input (or of one
/// lower-cased copy per row).
/// </summary>
public sealed partial class WordTokenizingTransformer : OneColumnTransformerBase<ReadOnlyMemory<char>, VBuffer<ReadOnlyMemory<char>>>
{
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

    private protected override string ExpectedInputType => "Text";

    private protected override bool IsValidInputType(DataViewType type) => type is TextDataViewType;

    private protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (new VectorDataViewType(TextDataViewType.Instance), CharacterLevelAnnotation.Create(isCharacterLevel: false));

    private protected override void Map(in ReadOnlyMemory<char> input, ref VBuffer<ReadOnlyMemory<char>> output) =>
        output = TokenAnnotations.AsVector(_splitter.Tokenize(input));

}

/// <summary>Estimator of <see cref="WordTokenizingTransformer"/> (learns nothing); created by <see cref="TokenizationCatalog.TokenizeWords"/>.</summary>
/// <remarks>
/// | Characteristic | Value |
/// |---|---|
/// | Does this estimator need to look at the data to train its parameters? | No |
/// | Input column data type | Text |
/// | Output column data type | Variable-length vector of text (words), <c>IsCharacterLevel</c> = false |
/// | Exportable to ONNX | No |
/// </remarks>
public sealed class WordTokenizingEstimator : StatelessEstimator<WordTokenizingTransformer>
{
    /// <summary>Creates the estimator.</summary>
    public WordTokenizingEstimator(string outputColumnName = "Tokens", string inputColumnName = "Text", WordTokenizerOptions? options = null)
        : base(new WordTokenizingTransformer(outputColumnName, inputColumnName, options)) { }

    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TokenAnnotations.TokenizerOutputShape(inputSchema, Transformer.InputColumnName, Transformer.OutputColumnName);
}
