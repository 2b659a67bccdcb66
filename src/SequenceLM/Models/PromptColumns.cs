using Microsoft.ML.SequenceLM.Generation;

namespace Microsoft.ML.SequenceLM.Models;

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

    private readonly DataViewSchema.Column _input;
    private readonly DataViewSchema.Column? _maxTokens, _temperature, _topK, _topP, _seed;

    public PromptColumns(DataViewSchema schema, string inputColumnName)
    {
        _input = schema.RequireColumn(inputColumnName, "Vector<Text> (tokens) or Vector<Key> (keys)",
            t => SchemaChecks.IsTextVector(t) || SchemaChecks.IsKeyOrInt64Vector(t));
        _maxTokens = Optional(schema, MaxTokens, NumberDataViewType.Int32);
        _temperature = Optional(schema, Temperature, NumberDataViewType.Single);
        _topK = Optional(schema, TopK, NumberDataViewType.Int32);
        _topP = Optional(schema, TopP, NumberDataViewType.Single);
        _seed = Optional(schema, Seed, NumberDataViewType.Int32);
    }

    /// <summary>The input columns a cursor must activate.</summary>
    public IEnumerable<DataViewSchema.Column> Columns =>
        new[] { _input, _maxTokens, _temperature, _topK, _topP, _seed }.OfType<DataViewSchema.Column>();

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
            var getter = row.GetGetter<ReadOnlyMemory<ReadOnlyMemory<char>>>(_input);
            keys = () =>
            {
                ReadOnlyMemory<ReadOnlyMemory<char>> tokens = default;
                getter(ref tokens);
                return codec.EncodePrompt(tokens.Span);
            };
        }
        else
        {
            var getter = row.GetGetter<ReadOnlyMemory<long>>(_input);
            keys = () =>
            {
                ReadOnlyMemory<long> value = default;
                getter(ref value);
                return codec.EncodePrompt(value.Span);
            };
        }
        var maxTokens = Reader<int>(row, _maxTokens);
        var temperature = Reader<float>(row, _temperature);
        var topK = Reader<int>(row, _topK);
        var topP = Reader<float>(row, _topP);
        var seed = Reader<int>(row, _seed);
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
