namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Splits a text column into subwords: output is a variable-length vector of text, one item per subword, each
/// written in GPT-2's byte-level alphabet (a space is <c>'Ġ'</c>; a token may hold part of a multi-byte character),
/// annotated <see cref="AnnotationNames.IsByteLevel"/> = true. <c>MapTokensToKeys</c> then keeps the subwords the
/// training text uses plus the 256 bytes, so any text encodes without <c>&lt;unk&gt;</c> (byte fallback), and decoding
/// joins the tokens' bytes back into exactly the original text.
/// </summary>
public sealed partial class SubwordTokenizingTransformer : OneColumnTransformerBase<ReadOnlyMemory<char>, VBuffer<ReadOnlyMemory<char>>>
{
    private readonly SubwordTokenizerOptions _options;
    private readonly PretrainedEncoding? _pretrained;
    private readonly LearnedBpe? _learned;

    /// <summary>Creates the transformer of a pretrained encoding (<see cref="SubwordTokenizerOptions.Encoding"/> must be set).</summary>
    public SubwordTokenizingTransformer(string outputColumnName = "Tokens", string inputColumnName = "Text", SubwordTokenizerOptions? options = null)
        : this(outputColumnName, inputColumnName, options ?? SubwordTokenizerOptions.Gpt2(), learned: null) { }

    internal SubwordTokenizingTransformer(string outputColumnName, string inputColumnName, SubwordTokenizerOptions options, LearnedBpe? learned)
        : base(outputColumnName, inputColumnName)
    {
        _options = options.Clone();
        _options.Validate();
        if (_options.Encoding != null) _pretrained = PretrainedEncoding.Get(_options.Encoding);
        else _learned = learned ?? throw new ArgumentException(
            $"{nameof(SubwordTokenizerOptions)}.{nameof(SubwordTokenizerOptions.Encoding)} is null, so the merges must be learned: fit TokenizeSubwords on the training text.", nameof(options));
    }

    /// <summary>A copy of the options.</summary>
    public SubwordTokenizerOptions Options => _options.Clone();

    /// <summary>The learned merges in order (left, right), as byte symbols; empty for a pretrained encoding.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges => _learned?.Merges ?? Array.Empty<(string, string)>();

    /// <summary>Tokenizes one text (the same as the transform does per row).</summary>
    public ReadOnlyMemory<char>[] Tokenize(ReadOnlyMemory<char> text)
    {
        string s = text.ToString();
        return _pretrained?.Tokenize(s) ?? _learned!.Tokenize(s);
    }

    /// <summary>
    /// Every token of the encoding (the bytes, then the learned or pretrained subwords), as a vocabulary: pass it to
    /// <c>MapTokensToKeys</c> to keep the whole encoding instead of the tokens the training text uses.
    /// </summary>
    public Vocabulary FullVocabulary()
    {
        var tokens = _pretrained != null ? _pretrained.AllTokens : _learned!.Merges.Select(m => m.Left + m.Right);
        var reserved = new VocabularyOptions().ReservedTokens();
        return new Vocabulary(reserved.Concat(ByteLevelAlphabet.Symbols).Concat(tokens).Distinct(StringComparer.Ordinal), isCharacterLevel: false, isByteLevel: true);
    }

    private protected override string ExpectedInputType => "Text";

    private protected override bool IsValidInputType(DataViewType type) => type is TextDataViewType;

    private protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (new VectorDataViewType(TextDataViewType.Instance), CharacterLevelAnnotation.Create(isCharacterLevel: false, isByteLevel: true));

    private protected override void Map(in ReadOnlyMemory<char> input, ref VBuffer<ReadOnlyMemory<char>> output) =>
        output = TokenAnnotations.AsVector(Tokenize(input));
}

/// <summary>
/// Estimator of <see cref="SubwordTokenizingTransformer"/>; created by <see cref="TokenizationCatalog.TokenizeSubwords"/>.
/// With a pretrained encoding it learns nothing; otherwise it learns byte-level BPE merges from the text column.
/// </summary>
/// <remarks>
/// | Characteristic | Value |
/// |---|---|
/// | Does this estimator need to look at the data to train its parameters? | Only for learned BPE (<see cref="SubwordTokenizerOptions.Encoding"/> null) |
/// | Input column data type | Text |
/// | Output column data type | Variable-length vector of text (byte-level subwords), <c>IsByteLevel</c> = true |
/// | Exportable to ONNX | No |
/// </remarks>
public sealed class SubwordTokenizingEstimator : IEstimator<SubwordTokenizingTransformer>
{
    private readonly string _outputColumnName, _inputColumnName;
    private readonly SubwordTokenizerOptions _options;

    /// <summary>Creates the estimator.</summary>
    public SubwordTokenizingEstimator(string outputColumnName = "Tokens", string inputColumnName = "Text", SubwordTokenizerOptions? options = null)
    {
        _outputColumnName = Check.NotEmpty(outputColumnName);
        _inputColumnName = Check.NotEmpty(inputColumnName);
        _options = options?.Clone() ?? new SubwordTokenizerOptions();
        _options.Validate();
    }

    /// <summary>Learns the merges from <paramref name="input"/>'s text column (learned BPE) and returns the transformer.</summary>
    public SubwordTokenizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var col = input.Schema.RequireColumn(_inputColumnName, "Text", t => t is TextDataViewType);
        var learned = _options.Encoding == null ? LearnedBpe.Learn(ReadTexts(input, col), _options) : null;
        return new SubwordTokenizingTransformer(_outputColumnName, _inputColumnName, _options, learned);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TokenAnnotations.TokenizerOutputShape(inputSchema, _inputColumnName, _outputColumnName);

    private static IEnumerable<ReadOnlyMemory<char>> ReadTexts(IDataView data, DataViewSchema.Column col)
    {
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(col);
        ReadOnlyMemory<char> text = default;
        while (cursor.MoveNext())
        {
            getter(ref text);
            yield return text;
        }
    }
}
