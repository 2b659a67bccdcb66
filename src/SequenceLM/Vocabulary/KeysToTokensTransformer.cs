namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Maps a key column (vector of keys) back to tokens (vector of text) with a <see cref="Vocabulary"/>, like ML.NET's
/// <c>MapKeyToValue</c>. Use <see cref="Vocabulary.Decode"/> to get one string.
/// </summary>
public sealed partial class KeysToTokensTransformer : OneColumnTransformerBase<VBuffer<uint>, VBuffer<ReadOnlyMemory<char>>>
{
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

    private protected override string ExpectedInputType => SchemaChecks.KeysType;

    private protected override bool IsValidInputType(DataViewType type) => SchemaChecks.IsKeyVector(type);

    private protected override (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn) =>
        (new VectorDataViewType(TextDataViewType.Instance, ((VectorDataViewType)inputColumn.Type).Size), CharacterLevelAnnotation.Create(Vocabulary.IsCharacterLevel, Vocabulary.IsByteLevel));

    private protected override void Map(in VBuffer<uint> input, ref VBuffer<ReadOnlyMemory<char>> output)
    {
        var result = new ReadOnlyMemory<char>[input.Length];
        int i = 0;
        foreach (uint key in input.DenseValues())
        {
            if (key == 0 || key > _tokens.Length)
                throw new ArgumentOutOfRangeException(InputColumnName, key, $"Key {key} in column '{InputColumnName}' is outside the vocabulary (1 .. {_tokens.Length}).");
            result[i++] = _tokens[key - 1];
        }
        output = new VBuffer<ReadOnlyMemory<char>>(result.Length, result);
    }
}

/// <summary>
/// Produces a <see cref="KeysToTokensTransformer"/> using the vocabulary of the key column (its <c>KeyValues</c>
/// annotation) or a given one.
/// </summary>
/// <remarks>
/// | Characteristic | Value |
/// |---|---|
/// | Does this estimator need to look at the data to train its parameters? | No |
/// | Input column data type | Vector of keys (<see cref="uint"/>) |
/// | Output column data type | Vector of text |
/// | Exportable to ONNX | No |
/// </remarks>
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

    public KeysToTokensTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var col = input.Schema.RequireColumn(_inputColumnName, SchemaChecks.KeysType, SchemaChecks.IsKeyVector);
        var vocabulary = _vocabulary ?? col.GetVocabulary()
            ?? throw new SchemaMismatchException(_inputColumnName, "Vector<Key> with a KeyValues annotation (vocabulary)", col.Type.ToString(), input.Schema.Describe(),
                $"Column '{_inputColumnName}' has no vocabulary (KeyValues annotation); pass one to MapKeysToTokens. Available columns: {input.Schema.Describe()}.");
        return new KeysToTokensTransformer(vocabulary, _outputColumnName, _inputColumnName);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var col = inputSchema.RequireColumn(_inputColumnName, SchemaChecks.KeysType, SchemaChecks.IsKeyVector);
        return inputSchema.With(ShapeColumns.Tokens(_outputColumnName, col.Kind));
    }
}
