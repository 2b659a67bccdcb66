namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Maps a key column (vector of keys) back to tokens (vector of text) with a <see cref="Vocabulary"/>
/// (ML.NET's MapKeyToValue). Use <see cref="Vocabulary.Decode"/> to get one string.
/// </summary>
[TransformerLoader(LoaderIdValue)]
public sealed class KeysToTokensTransformer : ColumnTransformerBase<ReadOnlyMemory<long>, ReadOnlyMemory<ReadOnlyMemory<char>>>, ISaveableTransformer
{
    internal const string LoaderIdValue = "map-keys-to-tokens";
    private readonly ReadOnlyMemory<char>[] _tokens;

    /// <summary>Creates the transformer.</summary>
    public KeysToTokensTransformer(Vocabulary vocabulary, string outputColumnName = "Tokens", string inputColumnName = "Keys")
        : base(outputColumnName, inputColumnName)
    {
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        _tokens = vocabulary.Tokens.Select(t => t.AsMemory()).ToArray();
    }

    /// <summary>The vocabulary.</summary>
    public Vocabulary Vocabulary { get; }

    /// <inheritdoc />
    protected override string ExpectedInputType => "Vector<Key> or Vector<Int64>";

    /// <inheritdoc />
    protected override bool IsValidInputType(DataViewType type) => SchemaChecks.IsKeyOrInt64Vector(type);

    /// <inheritdoc />
    protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (new VectorDataViewType(TextDataViewType.Instance, ((VectorDataViewType)inputColumn.Type).Size), TokenAnnotations.Create(Vocabulary.IsCharacterLevel));

    /// <inheritdoc />
    protected override void Map(in ReadOnlyMemory<long> input, ref ReadOnlyMemory<ReadOnlyMemory<char>> output)
    {
        var keys = input.Span;
        var result = new ReadOnlyMemory<char>[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            long k = keys[i];
            if ((ulong)k >= (ulong)_tokens.Length)
                throw new ArgumentOutOfRangeException(InputColumnName, k, $"Key {k} in column '{InputColumnName}' is outside the vocabulary (0 .. {_tokens.Length - 1}).");
            result[i] = _tokens[k];
        }
        output = result;
    }

    /// <inheritdoc />
    public string LoaderId => LoaderIdValue;

    /// <inheritdoc />
    public void Save(ModelSaveContext context)
    {
        context.WriteJson(ColumnTransformState<object>.EntryName,
            new ColumnTransformState<object> { InputColumnName = InputColumnName, OutputColumnName = OutputColumnName, Options = new() });
        context.WriteBytes(TokensToKeysTransformer.VocabularyEntry, Vocabulary.ToJsonUtf8());
    }

    internal static KeysToTokensTransformer Load(ModelLoadContext context)
    {
        var s = ColumnTransformState<object>.Read(context);
        var vocabulary = Vocabulary.FromJson(context.ReadBytes(TokensToKeysTransformer.VocabularyEntry, Vocabulary.MaxJsonBytes));
        try { return new KeysToTokensTransformer(vocabulary, s.OutputColumnName!, s.InputColumnName!); }
        catch (ArgumentException e) { throw context.Corrupt(e.Message, e); }
    }
}

/// <summary>
/// Produces a <see cref="KeysToTokensTransformer"/> using the vocabulary of the key column (its
/// <see cref="AnnotationKinds.KeyValues"/> annotation) or a given one.
/// </summary>
public sealed class KeysToTokensEstimator : IEstimator<KeysToTokensTransformer>
{
    private readonly string _outputColumnName, _inputColumnName;
    private readonly Vocabulary? _vocabulary;

    /// <summary>Creates the estimator; <paramref name="vocabulary"/> null means "take it from the key column".</summary>
    public KeysToTokensEstimator(string outputColumnName = "Tokens", string inputColumnName = "Keys", Vocabulary? vocabulary = null)
    {
        _outputColumnName = Check.NotEmpty(outputColumnName);
        _inputColumnName = Check.NotEmpty(inputColumnName);
        _vocabulary = vocabulary;
    }

    /// <inheritdoc />
    public KeysToTokensTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var col = input.Schema.RequireColumn(_inputColumnName, "Vector<Key> or Vector<Int64>", SchemaChecks.IsKeyOrInt64Vector);
        var vocabulary = _vocabulary ?? col.GetVocabulary()
            ?? throw new SchemaMismatchException(_inputColumnName, "Vector<Key> with a KeyValues annotation (vocabulary)", col.Type.ToString(), input.Schema.ToString(),
                $"Column '{_inputColumnName}' has no vocabulary (KeyValues annotation); pass one to MapKeysToTokens. Available columns: {input.Schema}.");
        return new KeysToTokensTransformer(vocabulary, _outputColumnName, _inputColumnName);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var col = inputSchema.RequireColumn(_inputColumnName, "Vector<Key> or Vector<Int64>", SchemaChecks.IsKeyOrInt64Vector);
        return inputSchema.With(new SchemaShape.Column(_outputColumnName, col.Kind, TextDataViewType.Instance, false, new[] { AnnotationKinds.IsCharacterLevel }));
    }
}
