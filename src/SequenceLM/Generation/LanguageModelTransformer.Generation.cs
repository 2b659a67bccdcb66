using Microsoft.ML.SequenceLM.Generation;

namespace Microsoft.ML.SequenceLM;

public sealed partial class LanguageModelTransformer
{
    /// <summary>The input schema plus <c>Text</c> (generated text) and <c>TokenCount</c>.</summary>
    /// <exception cref="SchemaMismatchException">The prompt column is missing or a sampling column has the wrong type.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        _ = new PromptColumns(inputSchema, PromptColumnName(inputSchema));
        return OutputSchema(inputSchema);
    }

    /// <summary>A lazy view of the input rows plus generated text; prompts are generated in blocks of <see cref="GenerationBatchSize"/>.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var prompts = new PromptColumns(input.Schema, PromptColumnName(input.Schema));
        return new GenerationDataView(this, input, OutputSchema(input.Schema), prompts);
    }

    /// <summary>True: ML.NET's <c>PredictionEngine</c> maps one prompt row at a time.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The mapper ML.NET's <c>PredictionEngine</c> uses: one generated sample per input row, computed on each read.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new PromptMapper(this, inputSchema, new PromptColumns(inputSchema, PromptColumnName(inputSchema)));
    }

    /// <summary>
    /// The prompt column: the tokens or keys column the model was trained on; for windowed training data (which has
    /// no such column) the windows' <c>Input</c> keys, each window continued.
    /// </summary>
    private string PromptColumnName(DataViewSchema schema) =>
        schema.GetColumnOrNull(InputColumnName) == null && schema.GetColumnOrNull(WindowedData.InputColumnName) != null
            ? WindowedData.InputColumnName
            : InputColumnName;

    private static DataViewSchema OutputSchema(DataViewSchema inputSchema)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(OutputTextColumnName, TextDataViewType.Instance);
        builder.AddColumn(OutputTokenCountColumnName, NumberDataViewType.Int32);
        return builder.ToSchema();
    }

    private TextGenerator? _generator;

    /// <summary>The sampler over this model (created on first use; it holds no state between calls).</summary>
    internal TextGenerator Generator => LazyInitializer.EnsureInitialized(ref _generator,
        () => new TextGenerator(_model, new TokenCodec(Vocabulary, TrainingWindows.Mode == WindowMode.PerRow, _sampleUnknown)) { Rows = TrainingRows });

    internal IReadOnlyList<GeneratedSample> Generate(IReadOnlyList<long[]> prompts, GenerationOptions options) =>
        Generator.Generate(prompts, options);

    /// <summary>
    /// Serves ML.NET's <c>PredictionEngine</c>, which refills one input row between calls and moves its
    /// <see cref="DataViewRow.Position"/> on: a sample is generated from the row's current values at each new position
    /// (reads of <c>Text</c> and <c>TokenCount</c> at one position share it).
    /// </summary>
    private sealed class PromptMapper(LanguageModelTransformer model, DataViewSchema inputSchema, PromptColumns prompts) : IRowToRowMapper
    {
        public DataViewSchema InputSchema => inputSchema;

        public DataViewSchema OutputSchema { get; } = LanguageModelTransformer.OutputSchema(inputSchema);

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        {
            var needed = dependingColumns.Where(c => c.Index < inputSchema.Count).Select(c => inputSchema[c.Index]).ToList();
            if (dependingColumns.Any(c => c.Index >= inputSchema.Count)) needed.AddRange(prompts.Columns);
            return needed.DistinctBy(c => c.Index).OrderBy(c => c.Index).ToArray();
        }

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            ArgumentNullException.ThrowIfNull(input);
            var read = prompts.Bind(input, model.Generator.Codec, model.DefaultGenerationOptions);
            GeneratedSample? last = null;
            long lastPosition = long.MinValue;
            GeneratedSample Sample()
            {
                if (last == null || lastPosition != input.Position)
                {
                    var (keys, options) = read();
                    last = model.Generator.Generate(new[] { keys }, options)[0];
                    lastPosition = input.Position;
                }
                return last;
            }
            return GenerationDataView.OutputRow(input, OutputSchema, Sample);
        }
    }
}
