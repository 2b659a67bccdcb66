using Xunit.Abstractions;

namespace Microsoft.ML.SequenceLM.Tests.Pipeline;

/// <summary>Our views inside ML.NET: laziness, and the text split ML.NET lacks (inside one document).</summary>
public sealed class DataPlaneTests(ITestOutputHelper output) : TestBase(output)
{
    [Fact]
    public void ViewsAreLazyUntilACursorMoves()
    {
        var ml = new MLContext(1);
        var source = new CountingEnumerable<TextRow>(new[] { new TextRow { Text = "ab" }, new TextRow { Text = "cd" } });
        var view = ml.Data.LoadFromEnumerable(source);
        var pipeline = ml.Transforms.TokenizeChars();
        var tokenizer = pipeline.Fit(view);
        var tokens = tokenizer.Transform(view);
        var split = ml.Data.SplitText(tokens, 0.5, seed: 3);
        var taken = ml.Data.TakeRows(split.TrainSet, 1);
        Assert.Equal(0, source.Enumerations);

        using (var cursor = tokens.GetRowCursor(tokens.Schema))
        {
            Assert.Equal(0, source.ItemsRead);
            Assert.True(cursor.MoveNext());
            Assert.Equal(1, source.ItemsRead);
        }
        Assert.Equal(1, source.Enumerations);
        Assert.Single(ViewReader.Tokens(taken));
    }

    [Fact]
    public void TrainTestSplitOfOneDocumentIsContiguous()
    {
        var ml = new MLContext(1);
        string text = string.Concat(Enumerable.Range(0, 100).Select(i => (char)('a' + i % 26)));
        var view = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = text } });
        var (train, test) = ml.Data.SplitText(view, 0.1);
        Assert.Equal(text[..90], Assert.Single(ViewReader.Texts(train)));
        Assert.Equal(text[90..], Assert.Single(ViewReader.Texts(test)));
    }

    [Fact]
    public void TrainTestSplitOfRowsIsSeededDisjointAndComplete()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(i => new TextRow { Text = i.ToString() }));
        var a = ml.Data.SplitText(view, 0.2, seed: 7);
        var b = ml.Data.SplitText(view, 0.2, seed: 7);
        var trainA = ViewReader.Texts(a.TrainSet);
        var testA = ViewReader.Texts(a.TestSet);
        Assert.Equal(10, testA.Count);
        Assert.Equal(40, trainA.Count);
        Assert.Empty(trainA.Intersect(testA));
        Assert.Equal(50, trainA.Union(testA).Count());
        Assert.Equal(testA, ViewReader.Texts(b.TestSet));
        Assert.NotEqual(testA, ViewReader.Texts(ml.Data.SplitText(view, 0.2, seed: 8).TestSet));
        Assert.Equal(trainA.OrderBy(int.Parse), trainA); // order kept within a part
    }

    [Fact]
    public void TrainTestSplitValidatesFraction()
    {
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(new[] { new TextRow() });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.SplitText(view, 1.5));
        Assert.Contains("testFraction", ex.Message);
        Assert.Contains("1.5", ex.Message);
    }
}
