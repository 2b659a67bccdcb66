namespace Microsoft.ML.SequenceLM.Trainers;

/// <summary>
/// One process's share of the global batches of a data-parallel run: rows <c>[rank·n/size, (rank+1)·n/size)</c> of
/// each batch of <c>n</c> rows. Every process cuts the same global batches from the same seed, so the shares never
/// overlap: in sequential mode a process owns its streams (and carries their hidden state), in random and per-row
/// mode its own draws. A per-row tail batch with fewer rows than processes is skipped by all of them.
/// </summary>
internal sealed class ShardedBatchSource : ITrainingBatchSource
{
    private readonly ITrainingBatchSource _global;
    private readonly int _rank, _size;

    public ShardedBatchSource(ITrainingBatchSource global, int rank, int size)
    {
        _global = global;
        _rank = rank;
        _size = size;
    }

    public bool IsSequential => _global.IsSequential;

    public IEnumerable<TokenBatch> Batches(Random? shuffle)
    {
        foreach (var batch in _global.Batches(shuffle))
        {
            if (batch.BatchSize < _size) continue;
            var (first, count) = RowsOf(batch.BatchSize, _rank, _size);
            int width = batch.SequenceLength;
            yield return new TokenBatch(
                batch.Inputs.AsSpan(first * width, count * width).ToArray(),
                batch.Targets.AsSpan(first * width, count * width).ToArray(),
                count, width, batch.ContinuesPrevious, batch.IgnoreIndex, batch.Index,
                batch.RowLengths?.AsSpan(first, count).ToArray());
        }
    }

    /// <summary>The rows of <paramref name="rows"/> that process <paramref name="rank"/> of <paramref name="size"/> takes.</summary>
    public static (int First, int Count) RowsOf(int rows, int rank, int size)
    {
        int first = (int)((long)rows * rank / size), end = (int)((long)rows * (rank + 1) / size);
        return (first, end - first);
    }
}
