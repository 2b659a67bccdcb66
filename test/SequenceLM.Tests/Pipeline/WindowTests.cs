using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

public sealed class WindowTests(ITestOutputHelper output) : TestBase(output)
{
    private static readonly long[] D2lCorpus = Enumerable.Range(0, 35).Select(i => (long)i).ToArray();

    private static long[][] Rows(long[] data, int width) => data.Chunk(width).ToArray();

    private void Dump(IEnumerable<TokenBatch> batches)
    {
        foreach (var b in batches)
            Output.WriteLine($"X: {string.Join(" | ", Rows(b.Inputs, b.SequenceLength).Select(r => string.Join(",", r)))}   Y: {string.Join(" | ", Rows(b.Targets, b.SequenceLength).Select(r => string.Join(",", r)))}");
    }

    [Fact]
    public void D2lRandomWithoutRandomnessIsOffsetZeroInOrder()
    {
        var batches = TokenWindows.Random(D2lCorpus, batchSize: 2, sequenceLength: 5).ToList();
        Dump(batches);
        Assert.Equal(3, batches.Count);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, batches[0].Inputs);
        Assert.Equal(new long[] { 20, 21, 22, 23, 24, 25, 26, 27, 28, 29 }, batches[2].Inputs);
        Assert.All(batches, b => Assert.Equal(b.Inputs.Select(x => x + 1), b.Targets));
        Assert.All(batches, b => Assert.False(b.ContinuesPrevious));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void D2lRandomDrawsOffsetAndShufflesWindows(int seed)
    {
        var batches = TokenWindows.Random(D2lCorpus, 2, 5, new Random(seed)).ToList();
        Dump(batches);
        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => Assert.Equal((2, 5), (b.BatchSize, b.SequenceLength)));
        var windows = batches.SelectMany(b => Rows(b.Inputs, 5)).ToList();
        long offset = windows.Min(w => w[0]);
        Assert.InRange(offset, 0, 4);
        // six non-overlapping windows at offset + 5k, each of consecutive tokens, targets shifted by one
        Assert.Equal(Enumerable.Range(0, 6).Select(k => offset + 5 * k), windows.Select(w => w[0]).OrderBy(x => x));
        Assert.All(windows, w => Assert.Equal(Enumerable.Range(0, 5).Select(t => w[0] + t), w));
        Assert.All(batches, b => Assert.Equal(b.Inputs.Select(x => x + 1), b.Targets));
    }

    [Fact]
    public void D2lRandomDrawsAnewPerEpoch()
    {
        var rand = new Random(5);
        var epochs = Enumerable.Range(0, 8).Select(_ => string.Join(",", TokenWindows.Random(D2lCorpus, 2, 5, rand).SelectMany(b => b.Inputs))).ToList();
        Assert.True(epochs.Distinct().Count() > 1);
    }

    [Fact]
    public void D2lSequentialWithoutRandomnessHasDocumentedStreamLayout()
    {
        var batches = TokenWindows.Sequential(D2lCorpus, 2, 5).ToList();
        Dump(batches);
        // offset 0, num_tokens = (35 - 0 - 1) // 2 * 2 = 34, Xs = [2, 17], windows of 5 columns -> 3 batches
        Assert.Equal(3, batches.Count);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 17, 18, 19, 20, 21 }, batches[0].Inputs);
        Assert.Equal(new long[] { 5, 6, 7, 8, 9, 22, 23, 24, 25, 26 }, batches[1].Inputs);
        Assert.Equal(new long[] { 10, 11, 12, 13, 14, 27, 28, 29, 30, 31 }, batches[2].Inputs);
        Assert.All(batches, b => Assert.Equal(b.Inputs.Select(x => x + 1), b.Targets));
        Assert.Equal(new[] { false, true, true }, batches.Select(b => b.ContinuesPrevious));
        Assert.Equal(new[] { 0, 1, 2 }, batches.Select(b => b.Index));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void D2lSequentialWithRandomOffsetContinuesStreams(int seed)
    {
        var batches = TokenWindows.Sequential(D2lCorpus, 2, 5, new Random(seed)).ToList();
        Dump(batches);
        long offset = batches[0].Inputs[0];
        Assert.InRange(offset, 0, 4);
        long streamLength = (35 - offset - 1) / 2;
        Assert.Equal(streamLength / 5, batches.Count);
        for (int i = 0; i < batches.Count; i++)
            for (int b = 0; b < 2; b++)
                Assert.Equal(Enumerable.Range(0, 5).Select(t => offset + b * streamLength + i * 5 + t), batches[i].InputRow(b).ToArray());
    }

    [Fact]
    public void ShortAndEmptyCorporaAreClearErrors()
    {
        var ex = Assert.Throws<InvalidCorpusException>(() => TokenWindows.Sequential(new long[10], 2, 5));
        Assert.Equal(10, ex.TokenCount);
        Assert.Equal(11, ex.RequiredTokens);
        Assert.Contains("10 tokens", ex.Message);
        Assert.Contains("11", ex.Message);
        Assert.Contains("smaller BatchSize or SequenceLength", ex.Message);
        var empty = Assert.Throws<InvalidCorpusException>(() => TokenWindows.Random(Array.Empty<long>(), 2, 5));
        Assert.Contains("empty", empty.Message);
        Assert.Single(TokenWindows.Sequential(new long[11], 2, 5));
    }

    [Fact]
    public void OptionsAreValidatedWithNameValueAndRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Window(new WindowOptions { BatchSize = 0 }));
        Assert.Contains("WindowOptions.BatchSize", ex.Message);
        Assert.Contains("between 1 and", ex.Message);
        Assert.Contains("got 0", ex.Message);
    }

    [Fact]
    public void PerRowPadsWithPadKeyAndShiftsTargets()
    {
        var vocab = Vocabulary.Build(new[] { "a", "b", "c" }, VocabularyOptions.ForPerRowSequences()); // unk0 pad1 bos2 eos3 a4 b5 c6
        var rows = new List<ReadOnlyMemory<long>> { new long[] { 4, 5 }, new long[] { 6 } };
        var opts = new WindowOptions { Mode = WindowMode.PerRow, BatchSize = 2, SequenceLength = 10 };
        var batch = Assert.Single(TokenWindows.Create(rows, vocab, opts));
        Assert.Equal(3, batch.SequenceLength); // longest row: <bos> a b  /  a b <eos>
        Assert.Equal(new long[] { 2, 4, 5, 2, 6, 1 }, batch.Inputs);
        Assert.Equal(new long[] { 4, 5, 3, 6, 3, 1 }, batch.Targets);
        Assert.Equal(1, batch.IgnoreIndex);
        Assert.Equal(new[] { 3, 2 }, batch.RowLengths);

        var fixedWidth = Assert.Single(TokenWindows.Create(rows, vocab, new WindowOptions { Mode = WindowMode.PerRow, BatchSize = 2, SequenceLength = 4, Padding = PerRowPadding.SequenceLength }));
        Assert.Equal(new long[] { 2, 4, 5, 1, 2, 6, 1, 1 }, fixedWidth.Inputs);
        var truncated = Assert.Single(TokenWindows.Create(rows, vocab, new WindowOptions { Mode = WindowMode.PerRow, BatchSize = 2, SequenceLength = 2 }));
        Assert.Equal(new long[] { 2, 4, 2, 6 }, truncated.Inputs);
        Assert.Equal(new long[] { 4, 5, 6, 3 }, truncated.Targets);
    }

    [Fact]
    public void PerRowNeedsReservedTokens()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "ab" } });
        var pipeline = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.Window(new WindowOptions { Mode = WindowMode.PerRow }));
        var ex = Assert.Throws<InvalidOperationException>(() => pipeline.Fit(data));
        Assert.Contains("<bos>", ex.Message);
        Assert.Contains("ForPerRowSequences", ex.Message);
    }

    [Fact]
    public void NamesPipelineProducesPaddedPerRowBatches()
    {
        var ml = new MLContext(1);
        var path = WriteTempFile(string.Join("\n", File.ReadLines(DataPath("names.txt")).Take(100)));
        var data = ml.Data.LoadTextDocument(path, new TextDocumentOptions { Mode = TextDocumentMode.LinePerRow });
        var model = ml.Transforms.TokenizeChars()
            .Append(ml.Transforms.MapTokensToKeys(options: VocabularyOptions.ForPerRowSequences()))
            .Append(ml.Transforms.Window(new WindowOptions { Mode = WindowMode.PerRow, BatchSize = 32, SequenceLength = 20 }))
            .Fit(data);
        var windows = Assert.IsType<WindowedData>(model.Transform(data));
        var vocab = windows.Vocabulary!;
        var batches = windows.ReadBatches(new Random(1)).ToList();
        Assert.Equal(4, batches.Count);
        Assert.Equal(new[] { 32, 32, 32, 4 }, batches.Select(b => b.BatchSize));
        foreach (var b in batches)
        {
            Assert.Equal(vocab.PaddingKey, b.IgnoreIndex);
            for (int r = 0; r < b.BatchSize; r++)
            {
                Assert.Equal(vocab.BeginKey, b.InputRow(r)[0]);
                int len = b.RowLengths![r];
                Assert.Equal(vocab.EndKey, b.TargetRow(r)[len - 1]);
                Assert.All(b.TargetRow(r)[len..].ToArray(), k => Assert.Equal(vocab.PaddingKey, k));
                Assert.Equal(b.InputRow(r)[1..len].ToArray(), b.TargetRow(r)[..(len - 1)].ToArray());
            }
        }
        var names = batches.SelectMany(b => Enumerable.Range(0, b.BatchSize).Select(r => vocab.Decode(b.InputRow(r), skipSpecialTokens: true))).ToHashSet();
        Assert.Contains("emma", names);
        Assert.Equal(100, names.Count);
    }

    [Fact]
    public void WindowedDataIsAViewOfSequencesAndABatchSource()
    {
        var ml = new MLContext(1);
        string text = string.Concat(Enumerable.Repeat("abcdefghij", 20)); // 200 chars
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = text } });
        var model = ml.Transforms.TokenizeChars().Append(ml.Transforms.MapTokensToKeys())
            .Append(ml.Transforms.Window(new WindowOptions { BatchSize = 4, SequenceLength = 10 })).Fit(data);
        var output = model.Transform(data);
        Assert.True(output is WindowedData);
        var w = (WindowedData)output;
        Assert.Equal(200, w.TokenCount);
        Assert.Equal(new VectorDataViewType(new KeyDataViewType(typeof(uint), 11), 10), output.Schema["Input"].Type);
        Assert.Equal(w.Vocabulary.Tokens, output.Schema["Target"].GetVocabulary()!.Tokens);
        var inputs = ViewReader.Keys(output, "Input");
        var targets = ViewReader.Keys(output, "Target");
        var batches = w.ReadBatches().ToList();
        Assert.Equal(batches.Count * 4, inputs.Count); // (200-1)/4 = 49 per stream -> 4 batches of 4 rows
        Assert.Equal(4, batches.Count);
        Assert.Equal(batches[0].InputRow(1).ToArray(), inputs[1]);
        Assert.Equal(w.Vocabulary!.Decode(batches[0].InputRow(0)), text[..10]);
        Assert.Equal(text[1..11], w.Vocabulary.Decode(targets[0]));
    }

    [Fact]
    public void EmptyDocumentGivesInvalidCorpusWhenBatchesAreRead()
    {
        var ml = new MLContext(1);
        var path = WriteTempFile("");
        var data = ml.Data.LoadTextDocument(path);
        var tokens = ml.Transforms.TokenizeChars().Fit(data).Transform(data);
        var vocabEx = Assert.Throws<InvalidCorpusException>(() => ml.Transforms.MapTokensToKeys().Fit(tokens));
        Assert.Contains("0 tokens", vocabEx.Message);
        var keyed = ml.Transforms.MapTokensToKeys(Vocabulary.Build(new[] { "a" })).Fit(tokens).Transform(tokens);
        var windows = (WindowedData)ml.Transforms.Window().Fit(keyed).Transform(keyed);
        var ex = Assert.Throws<InvalidCorpusException>(() => windows.ReadBatches().ToList());
        Assert.Contains("empty (0 tokens)", ex.Message);
    }
}
