namespace Microsoft.ML.SequenceLM;

/// <summary>
/// Reads the value of one column of the current row into <paramref name="value"/>. Obtained from
/// <see cref="DataViewRow.GetGetter{TValue}"/>; <typeparamref name="TValue"/> must be the column type's
/// <see cref="DataViewType.RawType"/>.
/// </summary>
public delegate void ValueGetter<TValue>(ref TValue value);
