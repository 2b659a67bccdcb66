namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Base class for a transformer that maps one input column to one output column, value by value — the simplest way
/// to write a custom transform. Derived classes say which input types they accept, the output column's type, and
/// implement <see cref="Map"/>. Values are computed lazily, once per row.
/// </summary>
/// <typeparam name="TIn">The raw type of the input column (e.g. <c>ReadOnlyMemory&lt;char&gt;</c> for text).</typeparam>
/// <typeparam name="TOut">The raw type of the output column.</typeparam>
public abstract class ColumnTransformerBase<TIn, TOut> : RowToRowTransformerBase
{
    /// <summary>Creates the transformer.</summary>
    /// <param name="outputColumnName">The column to produce (replaces an input column of the same name).</param>
    /// <param name="inputColumnName">The column to read.</param>
    protected ColumnTransformerBase(string outputColumnName, string inputColumnName)
    {
        OutputColumnName = Check.NotEmpty(outputColumnName);
        InputColumnName = Check.NotEmpty(inputColumnName);
    }

    /// <summary>The column produced.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column read.</summary>
    public string InputColumnName { get; }

    /// <summary>A description of the accepted input types, for error messages (e.g. <c>"Text"</c>).</summary>
    protected abstract string ExpectedInputType { get; }

    /// <summary>True when the input column's type is accepted (its raw type must also be <typeparamref name="TIn"/>).</summary>
    protected abstract bool IsValidInputType(DataViewType type);

    /// <summary>The output column's type and annotations, given the (validated) input column.</summary>
    protected abstract (DataViewType Type, DataViewSchema.Annotations? Annotations) GetOutputType(DataViewSchema.Column inputColumn);

    /// <summary>Computes the output value for one input value.</summary>
    protected abstract void Map(in TIn input, ref TOut output);

    /// <inheritdoc />
    protected sealed override IReadOnlyList<string> InputColumnNames => new[] { InputColumnName };

    /// <inheritdoc />
    protected sealed override IReadOnlyList<DataViewSchema.DetachedColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        var col = inputSchema.RequireColumn(InputColumnName, ExpectedInputType, t => t.RawType == typeof(TIn) && IsValidInputType(t));
        var (type, annotations) = GetOutputType(col);
        if (type.RawType != typeof(TOut))
            throw new InvalidOperationException($"{GetType().Name} declares output type {type} but maps to {GetterUtils.TypeName(typeof(TOut))}.");
        return new[] { new DataViewSchema.DetachedColumn(OutputColumnName, type, annotations) };
    }

    /// <inheritdoc />
    protected sealed override Delegate?[] CreateGetters(DataViewRow input, bool[] activeOutputs)
    {
        if (!activeOutputs[0]) return new Delegate?[1];
        var src = input.GetGetter<TIn>(input.Schema[InputColumnName]);
        TIn inValue = default!;
        TOut cached = default!;
        long cachedPosition = long.MinValue;
        ValueGetter<TOut> getter = (ref TOut value) =>
        {
            if (cachedPosition != input.Position)
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
