namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Splits a text column into characters: output is a variable-length vector of text, one item per character
/// (surrogate pairs stay one token), annotated <see cref="AnnotationNames.IsCharacterLevel"/> = true. Items are
/// slices of the input (or of one normalised copy of it), so no string is allocated per character.
/// </summary>
public sealed partial class CharTokenizingTransformer : OneColumnTransformerBase<ReadOnlyMemory<char>, VBuffer<ReadOnlyMemory<char>>>
{
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

    private protected override string ExpectedInputType => "Text";

    private protected override bool IsValidInputType(DataViewType type) => type is TextDataViewType;

    private protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (new VectorDataViewType(TextDataViewType.Instance), CharacterLevelAnnotation.Create(isCharacterLevel: true));

    private protected override void Map(in ReadOnlyMemory<char> input, ref VBuffer<ReadOnlyMemory<char>> output) =>
        output = TokenAnnotations.AsVector(CharNormalizer.Tokenize(input, _options));

}

/// <summary>Estimator of <see cref="CharTokenizingTransformer"/> (learns nothing); created by <see cref="TokenizationCatalog.TokenizeChars"/>.</summary>
/// <remarks>
/// | Characteristic | Value |
/// |---|---|
/// | Does this estimator need to look at the data to train its parameters? | No |
/// | Input column data type | Text |
/// | Output column data type | Variable-length vector of text (characters), <c>IsCharacterLevel</c> = true |
/// | Exportable to ONNX | No |
/// </remarks>
public sealed class CharTokenizingEstimator : StatelessEstimator<CharTokenizingTransformer>
{
    /// <summary>Creates the estimator.</summary>
    public CharTokenizingEstimator(string outputColumnName = "Tokens", string inputColumnName = "Text", CharTokenizerOptions? options = null)
        : base(new CharTokenizingTransformer(outputColumnName, inputColumnName, options)) { }

    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TokenAnnotations.TokenizerOutputShape(inputSchema, Transformer.InputColumnName, Transformer.OutputColumnName);
}

/// <summary>Shapes and values shared by the tokenizers.</summary>
internal static class TokenAnnotations
{
    public static VBuffer<ReadOnlyMemory<char>> AsVector(ReadOnlyMemory<char>[] tokens) => new(tokens.Length, tokens);

    public static SchemaShape TokenizerOutputShape(SchemaShape input, string inputColumn, string outputColumn)
    {
        input.RequireColumn(inputColumn, "Text", SchemaChecks.IsText);
        return input.With(ShapeColumns.Tokens(outputColumn));
    }
}
