namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Base of our transformers that map one input column to one output column, value by value.
/// </summary>
/// <typeparam name="TIn">The raw type of the input column (e.g. <c>ReadOnlyMemory&lt;char&gt;</c> for text).</typeparam>
/// <typeparam name="TOut">The raw type of the output column.</typeparam>
public abstract class OneColumnTransformerBase<TIn, TOut> : RowMappingTransformerBase
{
    private protected OneColumnTransformerBase(string outputColumnName, string inputColumnName)
    {
        OutputColumnName = Check.NotEmpty(outputColumnName);
        InputColumnName = Check.NotEmpty(inputColumnName);
    }

    public string OutputColumnName { get; }

    public string InputColumnName { get; }

    /// <summary>A description of the accepted input types, for error messages (e.g. <c>"Text"</c>).</summary>
    private protected abstract string ExpectedInputType { get; }

    /// <summary>True when the input column's type is accepted (its raw type must also be <typeparamref name="TIn"/>).</summary>
    private protected abstract bool IsValidInputType(DataViewType type);

    /// <summary>The output column's type and annotations, given the (validated) input column.</summary>
    private protected abstract (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn);

    /// <summary>Computes the output value for one input value.</summary>
    private protected abstract void Map(in TIn input, ref TOut output);

    private protected sealed override IReadOnlyList<string> InputColumnNames => new[] { InputColumnName };

    private protected sealed override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        var col = inputSchema.RequireColumn(InputColumnName, ExpectedInputType, t => t.RawType == typeof(TIn) && IsValidInputType(t));
        var (type, annotations) = GetOutputType(col);
        return new[] { new DataViewSchema.DetachedColumn(OutputColumnName, type, annotations) };
    }

    private protected sealed override Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutputs, bool cacheByPosition)
    {
        if (!activeOutputs[0]) return new Delegate?[1];
        var src = input.GetGetter<TIn>(input.Schema[InputColumnName]);
        TIn inValue = default!;
        TOut cached = default!;
        long cachedPosition = long.MinValue;
        ValueGetter<TOut> getter = (ref TOut value) =>
        {
            if (!cacheByPosition || cachedPosition != input.Position)
            {
                src(ref inValue);
                Map(in inValue, ref cached);
                cachedPosition = input.Position;
            }
            value = cached;
        };
        return new Delegate?[] { getter };
    }
}
