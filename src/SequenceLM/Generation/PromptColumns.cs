using Microsoft.ML.SequenceLM.Generation;

namespace Microsoft.ML.SequenceLM.Generation;

/// <summary>
/// Reads a prompt row: the tokens (text) or keys the preceding transforms produced, and the optional per-row
/// sampling columns MaxTokens, Temperature, TopK, TopP and Seed (as in <see cref="Prompt"/>).
/// </summary>
internal sealed class PromptColumns
{
    public const string MaxTokens = nameof(Prompt.MaxTokens);
    public const string Temperature = nameof(Prompt.Temperature);
    public const string TopK = nameof(Prompt.TopK);
    public const string TopP = nameof(Prompt.TopP);
    public const string Seed = nameof(Prompt.Seed);
    public const string StopStrings = nameof(Prompt.StopStrings);

    private readonly DataViewSchema.Column _input;
    private readonly DataViewSchema.Column? _maxTokens, _temperature, _topK, _topP, _seed, _stopStrings;

    public PromptColumns(DataViewSchema schema, string inputColumnName)
    {
        _input = schema.RequireColumn(inputColumnName, SchemaChecks.TokensOrKeysType, SchemaChecks.IsTokensOrKeys);
        _maxTokens = Optional(schema, MaxTokens, NumberDataViewType.Int32);
        _temperature = Optional(schema, Temperature, NumberDataViewType.Single);
        _topK = Optional(schema, TopK, NumberDataViewType.Int32);
        _topP = Optional(schema, TopP, NumberDataViewType.Single);
        _seed = Optional(schema, Seed, NumberDataViewType.Int32);
        _stopStrings = Optional(schema, StopStrings, new VectorDataViewType(TextDataViewType.Instance));
    }

    /// <summary>The input columns a cursor must activate.</summary>
    public IEnumerable<DataViewSchema.Column> Columns =>
        new[] { _input, _maxTokens, _temperature, _topK, _topP, _seed, _stopStrings }.OfType<DataViewSchema.Column>();

    private static DataViewSchema.Column? Optional(DataViewSchema schema, string name, DataViewType type)
    {
        var column = schema.GetColumnOrNull(name);
        if (column == null) return null;
        if (!column.Value.Type.Equals(type))
            throw SchemaMismatchException.WrongType(name, type.ToString() ?? type.GetType().Name, column.Value.Type, schema);
        return column;
    }

    /// <summary>Binds to a row: returns a function reading the current row's prompt keys and options.</summary>
    public Func<(long[] Keys, GenerationOptions Options)> Bind(DataViewRow row, TokenCodec codec, GenerationOptions defaults)
    {
        Func<long[]> keys;
        if (SchemaChecks.IsTextVector(_input.Type))
        {
            var getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(_input);
            VBuffer<ReadOnlyMemory<char>> tokens = default;
            keys = () =>
            {
                getter(ref tokens);
                return codec.EncodePrompt(tokens.DenseValues().ToArray());
            };
        }
        else
        {
            // A key the key mapping did not know (ML.NET's missing key) is <unk>, or dropped without one, like an unknown token.
            const long dropped = -1;
            var ids = KeyVectors.Reader(row, _input, codec.Vocabulary.UnknownKey ?? dropped);
            keys = () => codec.EncodePrompt(ids().Where(id => id != dropped).ToArray());
        }
        var maxTokens = Reader<int>(row, _maxTokens);
        var temperature = Reader<float>(row, _temperature);
        var topK = Reader<int>(row, _topK);
        var topP = Reader<float>(row, _topP);
        var seed = Reader<int>(row, _seed);
        var stopStrings = Reader<VBuffer<ReadOnlyMemory<char>>>(row, _stopStrings);
        return () =>
        {
            var options = defaults with
            {
                MaxTokens = maxTokens?.Invoke() ?? defaults.MaxTokens,
                Temperature = temperature?.Invoke() ?? defaults.Temperature,
                TopK = topK?.Invoke() ?? defaults.TopK,
                TopP = topP?.Invoke() ?? defaults.TopP,
            };
            if (seed?.Invoke() is int s && s > 0) options = options with { Seed = s };
            if (stopStrings?.Invoke() is { Length: > 0 } stops)
                options = options with { StopStrings = stops.DenseValues().Select(t => t.ToString()).Where(t => t.Length > 0).ToArray() };
            return (keys(), options);
        };
    }

    private static Func<T>? Reader<T>(DataViewRow row, DataViewSchema.Column? column)
    {
        if (column == null) return null;
        var getter = row.GetGetter<T>(column.Value);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return value;
        };
    }
}
