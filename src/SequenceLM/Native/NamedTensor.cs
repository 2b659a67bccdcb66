namespace Microsoft.ML.SequenceLM;

/// <summary>A float32 tensor with its PyTorch parameter name, copied out of (or into) a native model.</summary>
public sealed record NamedTensor(string Name, long[] Shape, float[] Data)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
