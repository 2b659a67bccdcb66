namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Maps a token column (vector of text) to keys with a <see cref="Vocabulary"/>, like ML.NET's <c>MapValueToKey</c>:
/// the output is a vector of 1-based <see cref="KeyDataViewType"/> keys whose <c>KeyValues</c> annotation is the
/// vocabulary. Unknown tokens map to <c>&lt;unk&gt;</c>, or raise <see cref="UnknownTokenException"/> when the vocabulary has none.
/// </summary>
public sealed partial class TokensToKeysTransformer : OneColumnTransformerBase<VBuffer<ReadOnlyMemory<char>>, VBuffer<uint>>
{
    /// <summary>Creates the transformer from an existing vocabulary (e.g. to fine-tune with the same keys).</summary>
    public TokensToKeysTransformer(Vocabulary vocabulary, string outputColumnName = "Keys", string inputColumnName = "Tokens")
        : base(outputColumnName, inputColumnName) => Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));

    /// <summary>The vocabulary.</summary>
    public Vocabulary Vocabulary { get; }

    private protected override string ExpectedInputType => SchemaChecks.TokensType;

    private protected override bool IsValidInputType(DataViewType type) => SchemaChecks.IsTextVector(type);

    private protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (KeyVectors.Type(Vocabulary, ((VectorDataViewType)inputColumn.Type).Size), VocabularyAnnotations.Create(Vocabulary));

    private protected override void Map(in VBuffer<ReadOnlyMemory<char>> input, ref VBuffer<uint> output)
    {
        var keys = new List<long>(input.Length);
        foreach (var token in input.DenseValues()) Vocabulary.AppendKeys(token.Span, keys);
        var result = new uint[keys.Count];
        for (int i = 0; i < result.Length; i++) result[i] = (uint)(keys[i] + 1);
        output = new VBuffer<uint>(result.Length, result);
    }
}

/// <summary>
/// Learns a <see cref="Vocabulary"/> from a token column (or uses a given one) and produces a
/// <see cref="TokensToKeysTransformer"/>; created by <see cref="VocabularyCatalog.MapTokensToKeys(TransformsCatalog, string, string, VocabularyOptions?)"/>.
/// </summary>
/// <remarks>
/// | Characteristic | Value |
/// |---|---|
/// | Does this estimator need to look at the data to train its parameters? | Yes (unless a vocabulary is given) |
/// | Input column data type | Vector of text |
/// | Output column data type | Vector of keys (<see cref="uint"/>, 1-based), <c>KeyValues</c> = the vocabulary |
/// | Exportable to ONNX | No |
/// </remarks>
public sealed class TokensToKeysEstimator : IEstimator<TokensToKeysTransformer>
{
    private readonly string _outputColumnName, _inputColumnName;
    private readonly VocabularyOptions _options;
    private readonly Vocabulary? _vocabulary;

    /// <summary>Creates an estimator that builds the vocabulary from the data.</summary>
    public TokensToKeysEstimator(string outputColumnName = "Keys", string inputColumnName = "Tokens", VocabularyOptions? options = null)
    {
        _outputColumnName = Check.NotEmpty(outputColumnName);
        _inputColumnName = Check.NotEmpty(inputColumnName);
        _options = options?.Clone() ?? new VocabularyOptions();
        _options.Validate();
    }

    /// <summary>Creates an estimator that keeps <paramref name="vocabulary"/> (no data is read when fitting).</summary>
    public TokensToKeysEstimator(Vocabulary vocabulary, string outputColumnName = "Keys", string inputColumnName = "Tokens")
        : this(outputColumnName, inputColumnName) => _vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));

    /// <summary>Builds the vocabulary from <paramref name="input"/> (unless one was given) and returns the transformer.</summary>
    public TokensToKeysTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Schema.RequireColumn(_inputColumnName, SchemaChecks.TokensType, SchemaChecks.IsTextVector);
        var vocabulary = _vocabulary ?? Vocabulary.Build(input, _inputColumnName, _options);
        return new TokensToKeysTransformer(vocabulary, _outputColumnName, _inputColumnName);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var col = inputSchema.RequireColumn(_inputColumnName, SchemaChecks.TokensType, SchemaChecks.IsTextVector);
        return inputSchema.With(ShapeColumns.Keys(_outputColumnName, col.Kind));
    }
}
