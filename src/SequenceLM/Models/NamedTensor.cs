namespace Microsoft.ML.SequenceLM
{
    /// <summary>A float32 tensor with its PyTorch parameter name, copied out of (or into) a model.</summary>
    public sealed record NamedTensor(string Name, long[] Shape, float[] Data)
    {
        public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
    }
}


namespace Microsoft.ML.SequenceLM.Models
{
    /// <summary>Which named tensors of a model to read or write.</summary>
    internal enum TensorKind
    {
        Parameters = 0,
        OptimizerState = 1,
    }
}