using Microsoft.ML.SequenceLM.Trainers;
using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Distributed;

/// <summary>The processes of a data-parallel run split every global batch into disjoint shares that add up to it.</summary>
public sealed class ShardedBatchSourceTests(ITestOutputHelper output) : TestBase(output)
{
    private sealed class Fixed(params TokenBatch[] batches) : ITrainingBatchSource
    {
        public IEnumerable<TokenBatch> Batches(Random? shuffle) => batches;
        public bool IsSequential => true;
    }

    [Theory]
    [InlineData(8, 2)]
    [InlineData(7, 3)]   // uneven: shares of 2, 2 and 3 rows
    [InlineData(5, 5)]
    public void SharesInRankOrderRebuildEachGlobalBatch(int rows, int processes)
    {
        const int width = 3;
        var inputs = Enumerable.Range(0, rows * width).Select(i => (long)i).ToArray();
        var targets = inputs.Select(i => i + 100).ToArray();
        var lengths = Enumerable.Range(1, rows).ToArray();
        var global = new TokenBatch(inputs, targets, rows, width, continuesPrevious: true, ignoreIndex: 7, index: 4, rowLengths: lengths);

        var shares = Enumerable.Range(0, processes)
            .Select(rank => new ShardedBatchSource(new Fixed(global), rank, processes).Batches(null).Single()).ToList();

        Assert.Equal(inputs, shares.SelectMany(b => b.Inputs));
        Assert.Equal(targets, shares.SelectMany(b => b.Targets));
        Assert.Equal(lengths, shares.SelectMany(b => b.RowLengths!));
        Assert.Equal(rows, shares.Sum(b => b.BatchSize));
        Assert.InRange(shares.Max(b => b.BatchSize) - shares.Min(b => b.BatchSize), 0, 1);
        Assert.All(shares, b => Assert.True(b.ContinuesPrevious && b.IgnoreIndex == 7 && b.Index == 4 && b.SequenceLength == width));
    }

    [Fact]
    public void ABatchWithFewerRowsThanProcessesIsSkippedByAll()
    {
        var full = new TokenBatch(new long[4], new long[4], 4, 1, continuesPrevious: false);
        var tail = new TokenBatch(new long[1], new long[1], 1, 1, continuesPrevious: false, index: 1);
        for (int rank = 0; rank < 2; rank++)
            Assert.Equal(new[] { 0 }, new ShardedBatchSource(new Fixed(full, tail), rank, 2).Batches(null).Select(b => b.Index));
    }
}
