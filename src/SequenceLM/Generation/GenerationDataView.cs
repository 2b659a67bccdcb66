namespace Microsoft.ML.SequenceLM.Generation;

/// <summary>
/// The lazy output of <see cref="LanguageModelTransformer.Transform"/>: the input rows plus generated text. A cursor
/// reads prompts ahead in blocks of <see cref="LanguageModelTransformer.GenerationBatchSize"/> and generates each
/// block in batched engine calls (rows sharing sampling settings together), instead of one row at a time.
/// </summary>
internal sealed class GenerationDataView : IDataView
{
    private readonly LanguageModelTransformer _model;
    private readonly IDataView _input;
    private readonly PromptColumns _prompts;

    public GenerationDataView(LanguageModelTransformer model, IDataView input, DataViewSchema schema, PromptColumns prompts)
    {
        _model = model;
        _input = input;
        Schema = schema;
        _prompts = prompts;
    }

    public DataViewSchema Schema { get; }
    public bool CanShuffle => false;
    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        var inputColumns = needed.Where(c => !IsOutput(c)).Select(c => _input.Schema[c.Index]).ToList();
        var main = _input.GetRowCursor(inputColumns);
        bool generate = needed.Any(IsOutput);
        var ahead = generate ? new Lookahead(_model, _input.GetRowCursor(_prompts.Columns), _prompts) : null;
        return new Cursor(main, Schema, ahead);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    /// <summary>The generated columns come after the input's columns.</summary>
    private bool IsOutput(DataViewSchema.Column column) => column.Index >= _input.Schema.Count;

    /// <summary>A row of the output schema over <paramref name="input"/>, with the generated columns from <paramref name="sample"/>.</summary>
    internal static DataViewRow OutputRow(DataViewRow input, DataViewSchema schema, Func<GeneratedSample> sample) =>
        new Cursor(input, schema, sample);

    /// <summary>Reads prompts ahead of the main cursor and generates them a block at a time.</summary>
    private sealed class Lookahead : IDisposable
    {
        private readonly LanguageModelTransformer _model;
        private readonly DataViewRowCursor _cursor;
        private readonly Func<(long[] Keys, GenerationOptions Options)> _read;
        private readonly List<GeneratedSample> _block = new();
        private long _blockStart;

        public Lookahead(LanguageModelTransformer model, DataViewRowCursor cursor, PromptColumns prompts)
        {
            _model = model;
            _cursor = cursor;
            _read = prompts.Bind(cursor, model.Generator.Codec, model.DefaultGenerationOptions);
        }

        public GeneratedSample At(long position)
        {
            while (position >= _blockStart + _block.Count)
            {
                _blockStart += _block.Count;
                _block.Clear();
                var rows = new List<(long[] Keys, GenerationOptions Options)>();
                while (rows.Count < LanguageModelTransformer.GenerationBatchSize && _cursor.MoveNext()) rows.Add(_read());
                if (rows.Count == 0) throw new InvalidOperationException("The prompt cursor ended before the main cursor.");
                var samples = new GeneratedSample[rows.Count];
                foreach (var group in rows.Select((r, i) => (r, i)).GroupBy(x => x.r.Options))
                {
                    var indices = group.Select(x => x.i).ToArray();
                    var generated = _model.Generate(indices.Select(i => rows[i].Keys).ToArray(), group.Key);
                    for (int k = 0; k < indices.Length; k++) samples[indices[k]] = generated[k];
                }
                _block.AddRange(samples);
            }
            return _block[(int)(position - _blockStart)];
        }

        public void Dispose() => _cursor.Dispose();
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRow _input;
        private readonly Func<GeneratedSample> _sample;
        private readonly Lookahead? _ahead;

        public Cursor(DataViewRowCursor input, DataViewSchema schema, Lookahead? ahead)
        {
            _input = input;
            Schema = schema;
            _ahead = ahead;
            _sample = () => (_ahead ?? throw new InvalidOperationException("No generated column was requested from this cursor.")).At(input.Position);
        }

        public Cursor(DataViewRow input, DataViewSchema schema, Func<GeneratedSample> sample)
        {
            _input = input;
            Schema = schema;
            _sample = sample;
        }

        public override DataViewSchema Schema { get; }
        public override long Position => _input.Position;
        public override long Batch => _input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
        public override bool MoveNext() => ((DataViewRowCursor)_input).MoveNext();

        // The output schema is the input's columns followed by Text and TokenCount.
        private int InputCount => _input.Schema.Count;

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index >= InputCount || _input.IsColumnActive(_input.Schema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index == InputCount)
                return Typed<TValue, ReadOnlyMemory<char>>(column, (ref ReadOnlyMemory<char> v) => v = _sample().Text.AsMemory());
            if (column.Index == InputCount + 1)
                return Typed<TValue, int>(column, (ref int v) => v = _sample().Keys.Length);
            return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        }

        private static ValueGetter<TValue> Typed<TValue, TActual>(DataViewSchema.Column column, ValueGetter<TActual> getter) =>
            getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' is {typeof(TActual).Name}; it was asked for as {typeof(TValue).Name}.");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _ahead?.Dispose();
                if (_input is DataViewRowCursor) _input.Dispose();
            }
        }
    }
}
