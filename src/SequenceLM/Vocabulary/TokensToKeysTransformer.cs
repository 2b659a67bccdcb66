namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Maps a token column (vector of text) to keys with a <see cref="Vocabulary"/> (ML.NET's MapValueToKey): the output is
/// a vector of <see cref="KeyDataViewType"/> whose <see cref="AnnotationKinds.KeyValues"/> annotation is the vocabulary.
/// Unknown tokens map to <c>&lt;unk&gt;</c>, or raise <see cref="UnknownTokenException"/> when the vocabulary has none.
/// </summary>
[TransformerLoader(LoaderIdValue)]
public sealed class TokensToKeysTransformer : ColumnTransformerBase<ReadOnlyMemory<ReadOnlyMemory<char>>, ReadOnlyMemory<long>>, ISaveableTransformer
{
    internal const string LoaderIdValue = "map-tokens-to-keys";
    internal const string VocabularyEntry = "vocabulary.json";

    /// <summary>Creates the transformer from an existing vocabulary (e.g. to fine-tune with the same keys).</summary>
    public TokensToKeysTransformer(Vocabulary vocabulary, string outputColumnName = "Keys", string inputColumnName = "Tokens")
        : base(outputColumnName, inputColumnName) => Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));

    /// <summary>The vocabulary.</summary>
    public Vocabulary Vocabulary { get; }

    /// <inheritdoc />
    protected override string ExpectedInputType => "Vector<Text> (tokens)";

    /// <inheritdoc />
    protected override bool IsValidInputType(DataViewType type) => SchemaChecks.IsTextVector(type);

    /// <inheritdoc />
    protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (VocabularyAnnotations.KeyVectorType(Vocabulary, ((VectorDataViewType)inputColumn.Type).Size), VocabularyAnnotations.Create(Vocabulary));

    /// <inheritdoc />
    protected override void Map(in ReadOnlyMemory<ReadOnlyMemory<char>> input, ref ReadOnlyMemory<long> output) =>
        output = Vocabulary.Encode(input.Span);

    /// <inheritdoc />
    public string LoaderId => LoaderIdValue;

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        context.WriteJson(ColumnTransformState<object>.EntryName,
            new ColumnTransformState<object> { InputColumnName = InputColumnName, OutputColumnName = OutputColumnName, Options = new() });
        context.WriteBytes(VocabularyEntry, Vocabulary.ToJsonUtf8());
    }

    internal static TokensToKeysTransformer Load(ModelLoadContext context)
    {
        var s = ColumnTransformState<object>.Read(context);
        var vocabulary = Vocabulary.FromJson(context.ReadBytes(VocabularyEntry, Vocabulary.MaxJsonBytes));
        try { return new TokensToKeysTransformer(vocabulary, s.OutputColumnName!, s.InputColumnName!); }
        catch (ArgumentException e) { throw context.Corrupt(e.Message, e); }
    }
}

/// <summary>
/// Learns a <see cref="Vocabulary"/> from a token column (or uses a given one) and produces a
/// <see cref="TokensToKeysTransformer"/>; created by <see cref="TransformsCatalog.MapTokensToKeys(string, string, VocabularyOptions?)"/>.
/// </summary>
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
        input.Schema.RequireColumn(_inputColumnName, "Vector<Text> (tokens)", SchemaChecks.IsTextVector);
        var vocabulary = _vocabulary ?? Vocabulary.Build(input, _inputColumnName, _options);
        return new TokensToKeysTransformer(vocabulary, _outputColumnName, _inputColumnName);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var col = inputSchema.RequireColumn(_inputColumnName, "Vector<Text> (tokens)", SchemaChecks.IsTextVector);
        return inputSchema.With(new SchemaShape.Column(_outputColumnName, col.Kind, NumberDataViewType.Int64, isKey: true,
            new[] { AnnotationKinds.KeyValues, AnnotationKinds.IsCharacterLevel }));
    }
}
